"""`reconciler scorecard -e ENV --agent EMAIL [--day D]`: one agent's metrics, values and points."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from .options import env_option, format_option, root_option


@click.command("scorecard")
@root_option
@env_option
@click.option("--agent", required=True, metavar="EMAIL", help="The agent's Genesys e-mail.")
@click.option(
    "--day",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Workday (default: today in the environment's push.time_zone).",
)
@format_option("text", "json")
def command(root: Path, env: str, agent: str, day: datetime | None, output_format: str) -> None:
    """Show what an agent's scorecard shows for a day: each metric's value and points.

    Read-only; the points are Genesys's own (the org's answer, not a recomputation).
    """
    from ..agent_view import render_scorecard, scorecard, scorecard_json
    from ..connect import open_client
    from ..manifests.loader import load

    manifest = load(root, env)
    zone = ZoneInfo(manifest.environment.push.time_zone)
    workday = day.date() if day is not None else datetime.now(zone).date()
    with open_client(manifest) as client:
        card = scorecard(client, agent, workday)
    click.echo(scorecard_json(card) if output_format == "json" else render_scorecard(card))
