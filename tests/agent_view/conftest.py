"""A project whose environment `loop` targets a real emulator served on loopback."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconciler.client import GenesysClient
from reconciler.emulator import Emulator, EmulatorServer, serve

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Project:
    root: Path
    emulator: Emulator
    server: EmulatorServer

    def client(self) -> GenesysClient:
        return GenesysClient(
            self.server.url, "reconciler-local", "emulator-secret", rate_limit_per_minute=None
        )

    def args(self, *extra: str) -> list[str]:
        return [*extra, "-e", "loop", "--root", str(self.root)]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    root = tmp_path / "project"
    shutil.copytree(REPO / "environments", root / "environments")
    emulator = Emulator()
    with serve(emulator) as server:
        folder = root / "environments" / "loop"
        folder.mkdir()
        (folder / "environment.yaml").write_text(
            "extends: base\n"
            f"target:\n  base_url: {server.url}\n"
            "variables:\n  stage: e2e\n  apps_url: https://apps.example.com\n"
            "rate_limit_per_minute: 100000\n"
            "push:\n  time_zone: America/New_York\n",
            encoding="utf-8",
        )
        yield Project(root, emulator, server)
