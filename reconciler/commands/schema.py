"""`reconciler schema [--check]`: JSON Schema of the manifests, for editor completion.

Files (under `<root>/schemas/`): `resources.json` (a resource file: any of the three kinds),
`environment.json` (environment.yaml), and one per kind. Manifests point at them with
`# yaml-language-server: $schema=../../schemas/resources.json`.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from pydantic import BaseModel

from ..errors import ReconcilerError
from ..manifests.environment import Environment
from ..manifests.models import Achievement, ExternalMetric, Profile, Resources
from .options import root_option

SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "resources.json": (Resources, "A reconciler resource file (environments/<env>/*.yaml)"),
    "environment.json": (Environment, "A reconciler environment.yaml"),
    "external-metric.json": (ExternalMetric, "One entry of externalMetrics"),
    "profile.json": (Profile, "One entry of profiles"),
    "achievement.json": (Achievement, "One entry of achievements"),
}


def generate() -> dict[str, str]:
    """File name -> JSON text, exactly as written to schemas/."""
    out = {}
    for filename, (model, title) in SCHEMAS.items():
        schema = model.model_json_schema(by_alias=True)
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            **schema,
            "title": title,
        }
        out[filename] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return out


@click.command("schema")
@root_option
@click.option("--check", is_flag=True, help="Exit 1 if schemas/ differs from the models.")
def command(root: Path, check: bool) -> None:
    """Write schemas/*.json from the manifest models."""
    folder = root / "schemas"
    generated = generate()
    if check:
        stale = [name for name, text in generated.items() if _read(folder / name) != text]
        if stale:
            raise ReconcilerError(
                f"out of date: {', '.join(stale)} in {folder}; run `reconciler schema`"
            )
        click.echo(f"{folder}: up to date")
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in generated.items():
            (folder / name).write_bytes(text.encode("utf-8"))
            click.echo(f"wrote {folder / name}")
    except OSError as error:
        where = error.filename or folder
        raise ReconcilerError(f"cannot write {where}: {error.strerror}") from error


def _read(path: Path) -> str | None:
    """The file's text, or None when it is missing, unreadable or not UTF-8 (all: out of date)."""
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
