"""`reconciler apply -e ENV [--plan FILE | --auto-approve]`: make the org match the manifests."""

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
from ..errors import ApplyFailedError, UsageError
from ..manifests.loader import load
from ..output import progress, render
from ..reconcile import applier, saved_plan
from ..reconcile.lock import apply_lock
from ..reconcile.plan import Op, Plan
from ..reconcile.report import default_report_path, prepare_report
from ..reconcile.targets import parse_all
from . import approval
from .options import env_option, format_option, root_option, target_option


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
    help="Apply exactly this saved plan (`plan --out`); refused if it is stale. "
    "A saved plan is its own approval.",
)
@click.option(
    "--auto-approve",
    is_flag=True,
    help="Apply without asking (needed without a terminal, unless --plan is given).",
)
@target_option
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
@format_option("text", "json")
def command(
    root: Path,
    env: str,
    plan_file: Path | None,
    auto_approve: bool,
    target_texts: tuple[str, ...],
    allow_replace: bool,
    report: Path | None,
    output_format: str,
) -> None:
    """Re-plan and apply (or apply a saved plan), in dependency order, idempotently.

    On a terminal apply shows the plan and asks; only `yes` proceeds. Without a terminal it
    needs --auto-approve or a saved plan (--plan FILE).
    """
    targets = parse_all(target_texts)
    if plan_file is not None and targets:
        raise UsageError(
            "--target narrows a fresh plan; a saved plan was narrowed when it was made "
            "(plan --target ... --out FILE): drop --target or --plan"
        )
    manifest = load(root, env)  # invalid manifests are reported first; no API call yet
    ask = approval.needed(plan_file is not None, auto_approve)
    saved = saved_plan.read_saved_plan(plan_file) if plan_file is not None else None
    report_path = report or default_report_path(root, env)
    prepare_report(report_path)
    as_json = output_format == "json"
    # With --format json stdout is the result alone; the plan goes to the log (stderr).
    color = render.color_for(sys.stderr if as_json else sys.stdout, os.environ)

    def show(plan: Plan) -> None:
        click.echo(render.text(plan, color=color), err=as_json)
        blocked = [a.address for a in plan.actions if a.op is Op.BLOCKED]
        if blocked:
            # Applied around, not silently: `drift` keeps reporting them (exit 2) until fixed.
            click.echo(f"Warning: not applied (blocked): {', '.join(blocked)}", err=True)
        if ask and plan.has_changes:
            approval.confirm(env)

    with apply_lock(root, env), _interrupt_as_error(report_path), open_client(manifest) as client:
        report_path.unlink(missing_ok=True)  # the report on disk is this run's, or none
        try:
            result = applier.apply(
                manifest,
                client,
                saved=saved,
                allow_replace=allow_replace,
                report_path=report_path,
                on_plan=show,
                targets=targets,
                progress=progress.for_stream(sys.stderr),
            )
        except ApplyFailedError:
            if as_json and report_path.exists():
                click.echo(report_path.read_text(), nl=False)
            raise
    click.echo(result.to_json() if as_json else result.summary(), nl=not as_json)
    click.echo(f"Apply report: {report_path}", err=True)
