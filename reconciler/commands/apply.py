"""`reconciler apply -e ENV [--plan plan.json]`: make the org match the manifests."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import click

from ..connect import open_client
from ..errors import ApplyFailedError
from ..manifests.loader import load
from ..output import render
from ..reconcile import applier, saved_plan
from ..reconcile.lock import apply_lock
from ..reconcile.plan import Op, Plan
from ..reconcile.report import default_report_path, prepare_report
from .options import env_option, root_option


class _Interrupted(BaseException):
    """Raised by the signal handler; a BaseException, like KeyboardInterrupt, so no
    `except Exception` on the way up swallows it."""


@contextmanager
def _interrupt_as_error(report_path: Path) -> Iterator[None]:
    """Ctrl-C and SIGTERM (a cancelled CI job) stop the apply: in-flight writes finish, the
    report is written, exit 1 with one line saying where it is — or that nothing was written
    yet (the previous run's report was removed when this one took the lock)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise _Interrupted(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    except _Interrupted as interrupted:
        where = (
            f"; report: {report_path}"
            if report_path.exists()
            else " before it wrote anything; no report"
        )
        raise ApplyFailedError(f"apply interrupted by {interrupted}{where}") from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


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
    saved = saved_plan.read_saved_plan(plan_file) if plan_file is not None else None
    report_path = report or default_report_path(root, env)
    prepare_report(report_path)
    color = render.color_for(sys.stdout, os.environ)

    def show(plan: Plan) -> None:
        click.echo(render.text(plan, color=color))
        blocked = [a.address for a in plan.actions if a.op is Op.BLOCKED]
        if blocked:
            # Applied around, not silently: `drift` keeps reporting them (exit 2) until fixed.
            click.echo(f"Warning: not applied (blocked): {', '.join(blocked)}", err=True)

    with apply_lock(root, env), _interrupt_as_error(report_path), open_client(manifest) as client:
        report_path.unlink(missing_ok=True)  # the report on disk is this run's, or none
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
