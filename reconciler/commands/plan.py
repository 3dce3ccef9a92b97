"""`reconciler plan -e ENV`: read the org, diff it against the manifests, print the plan."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from ..connect import open_client
from ..errors import BlockedError, ExitCode, UsageError
from ..manifests.loader import load
from ..output import render
from ..output.reports import ReportPaths, report_options, write_reports
from ..reconcile import planner
from ..reconcile.live import fetch
from ..reconcile.plan import Plan
from ..reconcile.targets import parse_all, select
from .options import env_option, format_option, root_option, target_option


def make_plan(
    root: Path, env: str, *, allow_replace: bool = False, target_texts: Sequence[str] = ()
) -> Plan:
    """Load (invalid manifests stop here, before any API call), read live state, plan.

    With targets, the plan is narrowed to them and what they depend on (an unknown target is a
    usage error, raised after the live read because live objects can be targets too).
    """
    manifest = load(root, env)
    targets = parse_all(target_texts)
    with open_client(manifest) as client:
        live = fetch(client, manifest)
    full = planner.plan(manifest, live, allow_replace=allow_replace)
    return select(full, targets, live, live.lookup(manifest))


def show(plan: Plan, output_format: str) -> str:
    if output_format == "json":
        return render.json(plan)
    if output_format == "markdown":
        return render.markdown(plan)
    return render.text(plan, color=render.color_for(sys.stdout, os.environ))


@click.command("plan")
@root_option
@env_option
@format_option("text", "json", "markdown")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the plan (with its manifest checksum and live fingerprint) for `apply --plan`.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 2 when the plan has changes, 0 when it has none (Terraform's convention); "
    "a plan with blocked objects exits 1 either way.",
)
@target_option
@report_options
def command(
    root: Path,
    env: str,
    output_format: str,
    out: Path | None,
    detailed_exitcode: bool,
    target_texts: tuple[str, ...],
    reports: ReportPaths,
) -> int:
    """Show what apply would change, object by object and field by field."""
    result = make_plan(root, env, target_texts=target_texts)
    write_reports(result, reports, env=env, kind="plan")
    click.echo(show(result, output_format), nl=False)
    if out is not None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(result.to_json())
        except OSError as error:
            raise UsageError(f"cannot write the plan to {out}: {error.strerror or error}") from None
        click.echo(
            f"Saved the plan to {out}; apply it with: reconciler apply -e {env} --plan {out}",
            err=True,
        )
    blocked = result.blocked_error()
    if blocked is not None:
        raise BlockedError(blocked)  # exit 1 with or without --detailed-exitcode
    if detailed_exitcode and result.has_changes:
        return int(ExitCode.CHANGES)
    return int(ExitCode.OK)
