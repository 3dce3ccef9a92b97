"""`reconciler apply -e ENV [--plan plan.json]`: make the org match the manifests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .. import applier, render
from ..connect import open_client
from ..loader import load
from ..lock import apply_lock
from ..options import env_option, root_option
from ..plan import Op, Plan


@click.command("apply")
@root_option
@env_option
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Apply exactly this saved plan (`plan --out`); refused if it is stale.",
)
@click.option(
    "--allow-replace",
    is_flag=True,
    help="Allow delete + create of external metrics whose unit changed (new ids).",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Apply report file [default: .reconciler/<env>/apply-report.json under --root].",
)
def command(
    root: Path, env: str, plan_file: Path | None, allow_replace: bool, report: Path | None
) -> None:
    """Re-plan and apply (or apply a saved plan), in dependency order, idempotently."""
    manifest = load(root, env)
    saved = applier.read_saved_plan(plan_file) if plan_file is not None else None
    report_path = report or applier.default_report_path(root, env)
    color = render.color_for(sys.stdout, os.environ)

    def show(plan: Plan) -> None:
        click.echo(render.text(plan, color=color))
        blocked = [a.address for a in plan.actions if a.op is Op.BLOCKED]
        if blocked:
            # Applied around, not silently: `drift` keeps reporting them (exit 2) until fixed.
            click.echo(f"Warning: not applied (blocked): {', '.join(blocked)}", err=True)

    with apply_lock(root, env), open_client(manifest) as client:
        result = applier.apply(
            manifest,
            client,
            saved=saved,
            allow_replace=allow_replace,
            report_path=report_path,
            on_plan=show,
        )
    click.echo(result.summary())
    click.echo(f"Apply report: {report_path}", err=True)
