"""The shipped JSON Schemas accept what `validate` accepts, checked by an independent validator.

Full declarations (`resources.json`) and overlays (`overlay.json`: an object named again in an
extending environment, only `name` required) each have a schema; every YAML file shipped here,
written by `reconciler init` or by `reconciler export` names one that accepts it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import jsonschema
import pytest

from reconciler.cli import main
from reconciler.errors import ExitCode
from reconciler.manifests.schemas import generate

from .modelines import assert_all_valid, problems

REPO = Path(__file__).resolve().parents[2]


def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(generate()[name]))


def _leaves(errors: Iterable[jsonschema.ValidationError]) -> set[str]:
    """The innermost messages: an anyOf (a value or null) wraps the ones that explain it."""
    found: set[str] = set()
    for error in errors:
        found |= _leaves(error.context) if error.context else {error.message}
    return found


def test_every_shipped_manifest_validates_against_the_schema_its_modeline_names() -> None:
    files = assert_all_valid(REPO / "environments")
    assert REPO / "environments" / "prod" / "targets.yaml" in files


def test_an_overlay_needs_only_names_but_a_full_declaration_needs_every_required_field() -> None:
    overlay = {"profiles": [{"name": "Sales Agents", "metrics": [{"name": "Revenue closed"}]}]}
    assert not list(_validator("overlay.json").iter_errors(overlay))
    messages = [e.message for e in _validator("resources.json").iter_errors(overlay)]
    assert messages == ["'description' is a required property"]


def test_an_overlay_is_still_type_checked() -> None:
    validator = _validator("overlay.json")
    wrong = {
        "profiles": [{"name": "Sales Agents", "metrics": [{"name": "R", "target": {"value": "x"}}]}]
    }
    assert "'x' is not of type 'integer'" in _leaves(validator.iter_errors(wrong))
    assert [e.message for e in validator.iter_errors({"profiles": [{"active": False}]})] == [
        "'name' is a required property"
    ]
    assert list(validator.iter_errors({"profiles": [{"name": "P", "colour": "red"}]}))


def test_zones_an_overlay_replaces_are_declared_in_full() -> None:
    zone = {"label": "Good", "zoneType": "Good", "directionType": "Up"}
    overlay = {"profiles": [{"name": "P", "metrics": [{"name": "M", "zones": [zone]}]}]}
    messages = _leaves(_validator("overlay.json").iter_errors(overlay))
    assert {
        "'lowerLimitPoints' is a required property",
        "'upperLimitPoints' is a required property",
    } <= messages


def test_schema_out_writes_every_schema_to_the_folder_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "editor" / "schemas"
    assert main(["schema", "--root", str(tmp_path), "--out", str(out)]) == ExitCode.OK
    assert {p.name: p.read_text() for p in out.iterdir()} == generate()
    assert not (tmp_path / "schemas").exists()
    assert main(["schema", "--root", str(tmp_path), "--out", str(out), "--check"]) == ExitCode.OK
    assert f"{out}: up to date" in capsys.readouterr().out


def test_a_file_whose_modeline_names_the_wrong_schema_is_reported(tmp_path: Path) -> None:
    # The check can fail: the shipped overlay under the full-declaration schema is refused.
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "resources.json").write_text(generate()["resources.json"])
    overlay = (REPO / "environments" / "prod" / "targets.yaml").read_text()
    env = tmp_path / "environments" / "prod"
    env.mkdir(parents=True)
    (env / "targets.yaml").write_text(
        overlay.replace("schemas/overlay.json", "schemas/resources.json")
    )
    assert problems(env / "targets.yaml") == [
        f"{env / 'targets.yaml'}: profiles/0: 'description' is a required property"
    ]
