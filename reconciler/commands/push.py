"""`reconciler push`: CRM deals in, daily per-agent external metric data out (DESIGN.md §7)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import click

from ..errors import ExitCode, UsageError
from .options import env_option, format_option, root_option


@click.command("push")
@root_option
@env_option
@click.option("--metric", required=True, help="External metric definition name.")
@click.option(
    "--input", "input_path", required=True, metavar="FILE|-", help="CSV or JSON Lines; - = stdin."
)
@click.option(
    "--input-format",
    type=click.Choice(["auto", "csv", "jsonl"]),
    default="auto",
    show_default=True,
    help="auto: by extension (.csv / .jsonl), else by the first line.",
)
@click.option("--agent-column", default="agent", show_default=True, help="Agent key column.")
@click.option("--time-column", default="timestamp", show_default=True, help="Timestamp column.")
@click.option("--value-column", default="value", show_default=True, help="Value column.")
@click.option("--count-column", default=None, help="Deal count column (default: 1 per row).")
@click.option(
    "--source-tz", default=None, metavar="ZONE", help="IANA zone of timestamps without offset."
)
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV/YAML: CRM owner id -> Genesys e-mail or user id.",
)
@click.option(
    "--from",
    "first",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="First day the input is authoritative for (default: its first day).",
)
@click.option(
    "--to",
    "last",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Last day the input is authoritative for (default: its last day).",
)
@click.option(
    "--zero-mode",
    type=click.Choice(["zero", "delete"]),
    default="zero",
    show_default=True,
    help="A covered day with no deals any more: write 0, or delete the point (value null).",
)
@click.option("--full", is_flag=True, help="Re-send every point in the window, ledger or not.")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send and record nothing.")
@format_option("text", "json")
@click.option(
    "--ledger",
    "ledger_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Ledger file (default: <root>/.reconciler/<env>/push-ledger.sqlite).",
)
def command(
    root: Path,
    env: str,
    metric: str,
    input_path: str,
    input_format: str,
    agent_column: str,
    time_column: str,
    value_column: str,
    count_column: str | None,
    source_tz: str | None,
    mapping: Path | None,
    first: object,
    last: object,
    zero_mode: str,
    full: bool,
    dry_run: bool,
    output_format: str,
    ledger_path: Path | None,
) -> None:
    """Push CRM deals as daily per-agent external metric data (only what changed)."""
    # Imported here so a half-built dependency never breaks `reconciler --help`.
    from ..connect import open_client
    from ..manifests.loader import load
    from ..push.pusher import PushRequest, run
    from ..push.reader import Columns
    from ..push.summary import as_json, render

    period: tuple[date, date] | None = None
    if (first is None) != (last is None):
        raise UsageError("--from and --to go together")
    if first is not None and last is not None:
        period = (first.date(), last.date())  # type: ignore[attr-defined]
        if period[0] > period[1]:
            raise UsageError("--from is after --to")
    manifest = load(root, env)
    request = PushRequest(
        metric=metric,
        input=input_path,
        ledger_path=ledger_path or root / ".reconciler" / env / "push-ledger.sqlite",
        fallback_zone=manifest.environment.push.time_zone,
        columns=Columns(agent_column, time_column, value_column, count_column),
        source_tz=source_tz,
        input_format=None if input_format == "auto" else input_format,  # type: ignore[arg-type]
        mapping=mapping,
        full=full,
        zero_mode=zero_mode,  # type: ignore[arg-type]
        dry_run=dry_run,
        period=period,
    )
    with contextlib.ExitStack() as stack:
        progress: Callable[[int], Callable[[int], None]] | None = None
        if sys.stderr.isatty():

            def progress(total: int) -> Callable[[int], None]:
                bar = stack.enter_context(
                    click.progressbar(length=total, label="pushing points", file=sys.stderr)
                )
                return bar.update

        client = stack.enter_context(open_client(manifest))
        report = run(client, request, progress=progress)
    click.echo(as_json(report) if output_format == "json" else render(report))
    if report.failed:
        click.get_current_context().exit(int(ExitCode.ERROR))
