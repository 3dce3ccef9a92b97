"""One module per command; `COMMANDS` is what `reconciler.cli` registers."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
