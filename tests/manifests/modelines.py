"""Validate YAML manifests with an independent JSON Schema validator, by their own modelines.

`jsonschema` (not pydantic) reads the schema a file's first line names, resolved relative to
the file as yaml-language-server resolves it: what an editor or a CI linter would report.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml

MODELINE = re.compile(r"# yaml-language-server: \$schema=(?P<schema>\S+)$")


def schema_of(path: Path) -> Path:
    """The schema file `path`'s modeline names; fails when there is none or it does not exist."""
    first = path.read_text("utf-8").splitlines()[0]
    match = MODELINE.match(first)
    assert match, f"{path}: no schema modeline in its first line: {first!r}"
    schema = (path.parent / match["schema"]).resolve()
    assert schema.is_file(), f"{path}: modeline names {match['schema']}, not found at {schema}"
    return schema


def problems(path: Path) -> list[str]:
    """What a JSON Schema 2020-12 validator says about `path` against its modeline's schema."""
    schema = json.loads(schema_of(path).read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    validator.check_schema(schema)
    document = yaml.safe_load(path.read_text("utf-8")) or {}
    return [
        f"{path}: {'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def assert_all_valid(root: Path) -> list[Path]:
    """Every `*.yaml` under `root` validates against the schema it names; returns the files."""
    files = sorted(root.rglob("*.yaml"))
    assert files, f"no YAML files under {root}"
    found = [problem for path in files for problem in problems(path)]
    assert not found, "\n".join(found)
    return files
