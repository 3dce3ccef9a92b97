"""Approval before apply writes, as Terraform asks for it.

- a saved plan (`--plan FILE`) is the approval: it was reviewed when it was made;
- `--auto-approve`: approved by whoever wrote the command line (a CI job);
- otherwise, on a terminal: show the plan and proceed only on the literal answer `yes`;
- otherwise (no terminal, nothing approved): a usage error before anything is read or written.
"""

from __future__ import annotations

import sys

import click

from ..errors import ExitCode, UsageError

PROMPT = (
    "Do you want to perform these actions in environment {env}?\n"
    "  Only 'yes' will be accepted to approve.\n\n"
    "  Enter a value"
)


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def needed(saved_plan: bool, auto_approve: bool) -> bool:
    """Whether to ask before writing; UsageError when asking is impossible."""
    if saved_plan or auto_approve:
        return False
    if not _isatty(sys.stdin):
        raise UsageError(
            "apply needs approval and there is no terminal to ask on: pass --auto-approve, "
            "or apply a saved plan with --plan FILE (from `reconciler plan --out FILE`)"
        )
    return True


def confirm(env: str) -> None:
    """Ask; anything but `yes` (also end of input) cancels: exit 1, nothing written."""
    try:
        # On stderr when stdout is piped (`apply | tee log`), so the person still sees it.
        answer = click.prompt(
            PROMPT.format(env=env), default="", show_default=False, err=not _isatty(sys.stdout)
        )
    except click.exceptions.Abort:
        answer = ""
    if answer.strip() != "yes":
        click.echo("\nApply cancelled.", err=True)
        raise click.exceptions.Exit(int(ExitCode.ERROR))
