"""End-to-end fixtures: the real emulator served on loopback HTTP and the real client.

`project` copies the shipped `environments/` into a temp root; `loopback(manifest, url)` points
any environment at the served emulator (the shipped dev/staging/prod target real regions).
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.client import GenesysClient
from reconciler.client.retry import RetryPolicy
from reconciler.emulator import Emulator, EmulatorServer, serve
from reconciler.manifests.environment import Target
from reconciler.manifests.manifest import Manifest

REPO = Path(__file__).resolve().parents[2]
FAST_RETRY = RetryPolicy(attempts=8, total_seconds=30, base_delay=0.005, max_delay=0.05)
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(REPO / "environments", root / "environments")
    return root


@pytest.fixture
def emulator() -> Emulator:
    return Emulator()


@pytest.fixture
def server(emulator: Emulator) -> Iterator[EmulatorServer]:
    with serve(emulator) as running:
        yield running


def loopback(manifest: Manifest, url: str) -> Manifest:
    environment = manifest.environment.model_copy(update={"target": Target(base_url=url)})
    return dataclasses.replace(manifest, environment=environment)


def in_process_client(emulator: Emulator) -> GenesysClient:
    """The real client on the emulator's in-process transport (no sockets, no pacing)."""
    return GenesysClient(
        "http://emulator.invalid",
        "reconciler-local",
        "emulator-secret",
        transport=emulator.transport(),
        rate_limit_per_minute=None,
        retry=FAST_RETRY,
    )


def client_for(url: str) -> GenesysClient:
    return GenesysClient(
        url,
        "reconciler-local",
        "emulator-secret",
        rate_limit_per_minute=None,
        retry=FAST_RETRY,
        max_concurrency=4,
    )


def api_writes(emulator: Emulator) -> int:
    return sum(emulator.count(method, "/api/") for method in WRITE_METHODS)


def write_env(root: Path, name: str, url: str, **policy: object) -> None:
    """An environment extending base whose target is the loopback emulator."""
    lines = ["extends: base", "target:", f"  base_url: {url}", "variables:", "  stage: e2e"]
    lines.append("  apps_url: https://apps.example.com")
    # The loopback emulator does not limit; client-side pacing at 300/min would only slow tests.
    lines.append("rate_limit_per_minute: 100000")
    if policy:
        lines.append("policy:")
        lines += [f"  {key}: {str(value).lower()}" for key, value in policy.items()]
    folder = root / "environments" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "environment.yaml").write_text("\n".join(lines) + "\n")
