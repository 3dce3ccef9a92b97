"""`reconciler export -e ENV --out DIR`: the live org as manifests (names, not ids)."""

from __future__ import annotations

from pathlib import Path

import click

from ..connect import open_client
from ..errors import UsageError
from ..manifests.loader import load
from ..manifests.schemas import RESOURCES
from ..reconcile import exporter
from ..reconcile.live import fetch, managed_kinds
from .options import env_option, root_option


@click.command("export")
@root_option
@env_option
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the manifests to, e.g. environments/imported.",
)
def command(root: Path, env: str, out: Path) -> None:
    """Write ENV's live org as manifests: deterministic, sorted, promotable."""
    manifest = load(root, env)
    exporter.check_folder(out)  # before reading the org: a refused folder costs no API calls
    with open_client(manifest) as client:
        live = fetch(client, manifest, kinds=managed_kinds(manifest))
    try:
        written = exporter.write(out, live, env, manifest.environment, root / "schemas")
    except OSError as error:
        raise UsageError(f"cannot write the export to {out}: {error.strerror or error}") from None
    for path in written:
        click.echo(f"wrote {path}")
    if not (root / "schemas" / RESOURCES).is_file():
        click.echo(f"Note: no schemas in {root / 'schemas'} (for editors): run `reconciler schema`")
    if live.achievements_missing is not None:
        click.echo(
            f"Warning: achievements not exported: the org has no achievements API "
            f"(GET {live.achievements_missing} answered 404); set achievements_path",
            err=True,
        )
    elif not manifest.environment.manages_achievements:
        click.echo("Achievements not exported: not managed here (achievements_path: null).")
    for duplicate in exporter.duplicates(live):
        click.echo(f"Warning: {duplicate}: rename or remove all but one in the org", err=True)
    for problem in exporter.dangling(live):
        click.echo(
            f"Warning: {problem}: it no longer exists; fix it before using the export", err=True
        )
