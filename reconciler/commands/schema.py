"""`reconciler schema [--out DIR] [--check]`: JSON Schemas of the manifests, for editors.

What the files are and how manifests point at them: `reconciler.manifests.schemas`.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ReconcilerError
from ..manifests.schemas import generate, write
from .options import root_option

__all__ = ["command", "generate"]


@click.command("schema")
@root_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write the schemas to (default: ROOT/schemas).",
)
@click.option("--check", is_flag=True, help="Exit 1 if the folder differs from the models.")
def command(root: Path, out: Path | None, check: bool) -> None:
    """Write the JSON Schemas of the manifests (resources, overlays, environment.yaml)."""
    folder = out if out is not None else root / "schemas"
    if check:
        stale = [name for name, text in generate().items() if _read(folder / name) != text]
        if stale:
            raise ReconcilerError(
                f"out of date: {', '.join(stale)} in {folder}; run `reconciler schema`"
            )
        click.echo(f"{folder}: up to date")
        return
    try:
        for path in write(folder):
            click.echo(f"wrote {path}")
    except OSError as error:
        where = error.filename or folder
        raise ReconcilerError(f"cannot write {where}: {error.strerror}") from error


def _read(path: Path) -> str | None:
    """The file's text, or None when it is missing, unreadable or not UTF-8 (all: out of date)."""
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
