"""Text a user reads cites no document the user does not have: it states the fact itself."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from reconciler import scaffold
from reconciler.cli import main
from reconciler.commands import COMMANDS
from reconciler.manifests.schemas import generate

REPO = Path(__file__).resolve().parents[1]
#: References to the project's internal design notes and API research, not shipped to users.
INTERNAL = re.compile(r"seed[ -]?00\d|genesys-api\.md|genesys-scoring\.md|DESIGN\.md|§")


def _help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main([*args, "--help"]) == 0
    return capsys.readouterr().out


def test_help_of_every_command_cites_no_internal_document(
    capsys: pytest.CaptureFixture[str],
) -> None:
    texts = {"reconciler": _help(capsys)}
    texts |= {command.name or "": _help(capsys, command.name or "") for command in COMMANDS}
    assert "init" in texts and "schema" in texts
    assert {
        name: INTERNAL.findall(text) for name, text in texts.items() if INTERNAL.search(text)
    } == {}


def test_lint_explanations_cite_no_internal_document(capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", "--explain"])
    out = capsys.readouterr().out
    assert "RC101" in out and not INTERNAL.findall(out)


def test_documentation_schemas_and_generated_files_cite_no_internal_document() -> None:
    texts = {
        str(p.relative_to(REPO)): p.read_text("utf-8")
        for pattern in ("README.md", "docs/*.md", "environments/*/*.yaml", ".gitlab-ci.yml")
        for p in REPO.glob(pattern)
    }
    texts |= {f"schemas/{name}": text for name, text in generate().items()}
    for name, content in scaffold.files("x", date(2027, 1, 1)).items():
        texts[f"init:{name}"] = content.decode("utf-8")
    assert "README.md" in texts and "init:README.md" in texts
    found = {name: INTERNAL.findall(text) for name, text in texts.items() if INTERNAL.search(text)}
    assert found == {}
