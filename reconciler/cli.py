"""The `reconciler` command line: a thin click layer over the library.

Commands live in `reconciler/commands/`, one module each; they parse options, call the library,
echo what a renderer returns, and raise `ReconcilerError`s. This module owns the one place where
errors become exit codes, so no command prints a traceback for an expected failure.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from .distribution import __version__
from .errors import ExitCode, ManifestError, ReconcilerError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconciler")
def cli() -> None:
    """Gamification config-as-code for Genesys Cloud.

    Declare external metrics, gamification profiles and achievements in YAML per environment;
    plan, apply and detect drift; push CRM KPIs as external metric data.
    """


def _register() -> None:
    # Imported here, not at module top, so `reconciler.cli` stays importable by the commands.
    from .commands import COMMANDS

    for command in COMMANDS:
        cli.add_command(command)


def report_error(error: ReconcilerError) -> None:
    """Print an expected failure as clean lines on stderr (never a traceback)."""
    if isinstance(error, ManifestError):
        for problem in error.problems:
            click.echo(str(problem), err=True)
    click.echo(f"Error: {error}", err=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns (and exits with) the process status."""
    _register()
    try:
        result = cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        code = int(ExitCode.ERROR)
    except click.exceptions.Exit as done:
        code = done.exit_code
    except click.ClickException as usage:
        # click uses 2 for usage errors; 2 means "changes present" here, so usage errors get 4.
        usage.show()
        code = int(ExitCode.USAGE)
    except ReconcilerError as error:
        report_error(error)
        code = int(error.exit_code)
    else:
        code = int(result) if isinstance(result, int) else int(ExitCode.OK)
    if argv is None:
        sys.exit(code)
    return code
