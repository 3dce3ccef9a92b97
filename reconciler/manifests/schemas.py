"""JSON Schemas of the manifests, generated from the models, for editors and other validators.

Files (in a repository's `schemas/`): `resources.json` (a resource file declaring objects in
full), `overlay.json` (a resource file in an environment that `extends` another: objects named
again to change some fields), `environment.json` (environment.yaml), and one per kind. A
manifest names its schema in its first line, relative to the file:
`# yaml-language-server: $schema=../../schemas/resources.json`.

The schemas describe values after `${var.NAME}` substitution; `reconciler validate` remains the
authority (references, templates, lint rules and cross-field checks are not in a schema).
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .environment import Environment
from .models import Achievement, ExternalMetric, Profile, Resources

DRAFT = "https://json-schema.org/draft/2020-12/schema"
RESOURCES = "resources.json"
OVERLAY = "overlay.json"
ENVIRONMENT = "environment.json"

FULL: dict[str, tuple[type[BaseModel], str]] = {
    RESOURCES: (Resources, "A reconciler resource file (environments/<env>/*.yaml)"),
    ENVIRONMENT: (Environment, "A reconciler environment.yaml"),
    "external-metric.json": (ExternalMetric, "One entry of externalMetrics"),
    "profile.json": (Profile, "One entry of profiles"),
    "achievement.json": (Achievement, "One entry of achievements"),
}

#: Objects an overlay names again: only `name` is required, the rest is inherited.
NAMED = frozenset({"ExternalMetric", "Profile", "ProfileMetric", "Achievement"})
#: Items of lists an overlay replaces whole (zones, reporting intervals): declared in full.
REPLACED = frozenset({"Zone", "ReportingInterval"})
#: Mappings an overlay merges deeply: any of their fields may be left out.
MERGED = frozenset({"Target", "Trigger", "Notifications", "EmailChannel", "PushChannel", "Members"})

MODELINE = "# yaml-language-server: $schema="


def _document(schema: dict[str, Any], title: str) -> str:
    schema = {"$schema": DRAFT, **schema, "title": title}
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def overlay_schema() -> dict[str, Any]:
    """The resource schema with every inherited field optional (only names required).

    An overlay's unset field keeps the inherited value, so the defaults are dropped too: an
    editor must not suggest that a missing field means its default.
    """
    schema = copy.deepcopy(Resources.model_json_schema(by_alias=True))
    defs: dict[str, dict[str, Any]] = schema["$defs"]
    objects = {name for name, body in defs.items() if body.get("type") == "object"}
    unknown = objects - NAMED - REPLACED - MERGED
    if unknown:  # a new model: decide how overlays treat it before shipping a schema
        raise AssertionError(f"overlay handling undecided for {sorted(unknown)}")
    for name in NAMED | MERGED:
        body = defs[name]
        body["required"] = ["name"] if name in NAMED else []
        if not body["required"]:
            del body["required"]
        for field in body["properties"].values():
            field.pop("default", None)
    return schema


def generate() -> dict[str, str]:
    """File name -> JSON text, exactly as written to schemas/."""
    out = {}
    for name, (model, title) in FULL.items():
        out[name] = _document(model.model_json_schema(by_alias=True), title)
        if name == RESOURCES:
            out[OVERLAY] = _document(
                overlay_schema(),
                "A reconciler overlay file: objects an extending environment names again to "
                "change some fields (only name is required; everything else is inherited)",
            )
    return out


def write(folder: Path) -> list[Path]:
    """Write every schema into `folder` (created); OSError is the caller's to report."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generate().items():
        (folder / name).write_bytes(text.encode("utf-8"))
        written.append(folder / name)
    return written


def modeline(schema: Path, manifest_folder: Path) -> str:
    """The first line of a manifest in `manifest_folder` naming `schema`, relative to it.

    Relative (as yaml-language-server resolves it: from the file's own folder), with forward
    slashes, so the repository can move or be cloned anywhere.
    """
    relative = os.path.relpath(schema.absolute(), manifest_folder.absolute())
    return MODELINE + Path(relative).as_posix()
