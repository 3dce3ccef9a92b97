"""`reconciler init DIR`: a manifests repository that validates, applies locally and has a pipeline.

What it writes comes from `reconciler.scaffold`. It never overwrites: when any file it would
write already exists the command writes nothing and exits 4 naming them; a write that fails
part-way removes what this run wrote.
"""

from __future__ import annotations

import contextlib
import os
import shlex
from datetime import UTC, datetime
from pathlib import Path

import click

from .. import scaffold
from ..errors import ReconcilerError, UsageError


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--requirement",
    default=None,
    metavar="REQ",
    help="Pip requirement the pipeline installs the tool with (default: this version, "
    f"{scaffold.default_requirement()}); a wheel URL or git+https URL works too.",
)
def command(directory: Path, requirement: str | None) -> None:
    """Create a manifests repository in DIRECTORY: environments, schemas, pipeline, samples."""
    requirement = requirement if requirement is not None else scaffold.default_requirement()
    if not requirement.strip() or "\n" in requirement or '"' in requirement:
        raise UsageError(f"--requirement {requirement!r} is not one pip requirement")
    today = datetime.now(UTC).date()  # the data API's window is counted in UTC days
    made = scaffold.files(requirement, today)
    planned = {directory / name: content for name, content in made.items()}
    _refuse_conflicts(directory, planned)
    _write_all(directory, planned)
    shown = shlex.quote(str(directory))
    click.echo(f"Created a manifests repository in {directory} ({len(planned)} files):")
    click.echo("  environments/ (base, local, dev, staging, prod), schemas/, .gitlab-ci.yml,")
    click.echo("  .gitignore, README.md, deals.csv")
    click.echo(f"The pipeline installs {requirement} (RECONCILER_REQUIREMENT in .gitlab-ci.yml).")
    click.echo(f"Next: cd {shown} && reconciler validate --all && reconciler apply -e local")


def _refuse_conflicts(directory: Path, planned: dict[Path, bytes]) -> None:
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise UsageError(f"{directory} exists and is not a directory")
    taken = []
    for path in planned:
        if os.path.lexists(path):  # a broken symlink counts: writing would follow it
            taken.append(str(path))
            continue
        # A file where a folder must go (environments/ as a file) also blocks the write.
        taken += [
            str(parent)
            for parent in path.parents
            if parent != directory and directory in parent.parents and os.path.isfile(parent)
        ]
    if taken:
        unique = sorted(set(taken))
        more = f" and {len(unique) - 10} more" if len(unique) > 10 else ""
        shown = ", ".join(unique[:10]) + more
        raise UsageError(f"init never overwrites; already there: {shown} (nothing was written)")


def _write_all(directory: Path, planned: dict[Path, bytes]) -> None:
    created: list[Path] = []  # files and folders this run made, in order, for the rollback
    try:
        for path, content in planned.items():
            for folder in reversed([*path.parents]):
                if not os.path.isdir(folder):
                    folder.mkdir()
                    created.append(folder)
            with path.open("xb") as handle:  # "x": a file that appeared meanwhile is not replaced
                created.append(path)
                handle.write(content)
    except OSError as error:
        for made in reversed(created):
            with contextlib.suppress(OSError):  # best effort: the error below names the cause
                made.rmdir() if made.is_dir() else made.unlink()
        where = error.filename or directory
        raise ReconcilerError(
            f"cannot write {where}: {error.strerror or error}; nothing was kept"
        ) from None
