"""One module per command; `COMMANDS` is what `reconciler.cli` registers.

Each module in this package exposes a module-level `command` (a click command). Discovery keeps
this file out of every change that adds a command.
"""

from __future__ import annotations

import importlib
import pkgutil

import click


def _discover() -> list[click.Command]:
    found: list[click.Command] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        command = getattr(module, "command", None)
        if isinstance(command, click.Command):
            found.append(command)
    return found


COMMANDS: list[click.Command] = _discover()
