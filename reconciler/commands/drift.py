"""`reconciler drift -e ENV`: read-only report of live changes and unmanaged objects (exit 2)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..errors import ExitCode
from ..output import render
from ..output.reports import ReportPaths, report_options, write_reports
from .options import env_option, format_option, root_option, target_option
from .plan import make_plan


@click.command("drift")
@root_option
@env_option
@format_option("text", "json", "markdown")
@target_option
@report_options
def command(
    root: Path, env: str, output_format: str, target_texts: tuple[str, ...], reports: ReportPaths
) -> int:
    """Report what changed live and what exists live that no manifest declares."""
    result = make_plan(root, env, target_texts=target_texts)
    write_reports(result, reports, env=env, kind="drift")
    if output_format == "json":
        click.echo(render.drift_json(result), nl=False)
    elif output_format == "markdown":
        click.echo(render.drift_markdown(result), nl=False)
    else:
        color = render.color_for(sys.stdout, os.environ)
        click.echo(render.drift_text(result, color=color), nl=False)
    return int(ExitCode.CHANGES if render.has_drift(result) else ExitCode.OK)
