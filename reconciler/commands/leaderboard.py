"""`reconciler leaderboard -e ENV --profile NAME [--from D --to D] [--metric NAME]`: the ranks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from ..errors import UsageError
from .options import env_option, format_option, root_option


@click.command("leaderboard")
@root_option
@env_option
@click.option("--profile", required=True, metavar="NAME", help="Performance profile name.")
@click.option(
    "--from",
    "first",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="First workday (default: --to).",
)
@click.option(
    "--to",
    "last",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Last workday (default: today in the environment's push.time_zone).",
)
@click.option("--metric", default=None, metavar="NAME", help="Rank by one profile metric.")
@format_option("text", "json")
def command(
    root: Path,
    env: str,
    profile: str,
    first: datetime | None,
    last: datetime | None,
    metric: str | None,
    output_format: str,
) -> None:
    """Rank a profile's agents by points over workdays (all metrics, or one).

    Read-only; ranks and points are Genesys's own.
    """
    from ..agent_view import render_standings, standings, standings_json
    from ..connect import open_client
    from ..manifests.loader import load

    manifest = load(root, env)
    today = datetime.now(ZoneInfo(manifest.environment.push.time_zone)).date()
    end = last.date() if last is not None else today
    start = first.date() if first is not None else end
    if start > end:
        raise UsageError(f"--from {start} is after --to {end}")
    with open_client(manifest) as client:
        board = standings(client, profile, start, end, metric)
    click.echo(standings_json(board) if output_format == "json" else render_standings(board))
