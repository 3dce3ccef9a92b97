"""`pip wheel .` builds a wheel named genesys-reconciler that can run `reconciler init`."""

from __future__ import annotations

import zipfile
from datetime import date
from email.parser import Parser
from pathlib import Path

from reconciler import __version__, scaffold


def test_the_wheel_carries_the_scaffold_and_the_version(wheel: Path) -> None:
    assert wheel.name == f"genesys_reconciler-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = f"genesys_reconciler-{__version__}.dist-info"
        metadata = Parser().parsestr(archive.read(f"{info}/METADATA").decode())
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    assert (metadata["Name"], metadata["Version"]) == ("genesys-reconciler", __version__)
    assert "reconciler = reconciler.cli:main" in entry_points
    packaged = {
        name.removeprefix("reconciler/scaffold/files/")
        for name in names
        if name.startswith("reconciler/scaffold/files/")
    }
    # Everything init writes that is not generated (schemas from the models, deals by date).
    expected = {
        {".gitignore": "gitignore", ".gitlab-ci.yml": "gitlab-ci.yml"}.get(name, name)
        for name in scaffold.files("x", date(2027, 1, 1))
        if not name.startswith("schemas/") and name != "deals.csv"
    }
    assert packaged == expected
    assert "reconciler/manifests/schemas.py" in names  # what writes schemas/ from the models
    assert not [name for name in names if "__pycache__" in name or name.startswith("tests/")]
