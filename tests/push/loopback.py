"""An emulator over loopback HTTP and an environment folder pointing at it, for CLI tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from reconciler.client import GenesysClient
from reconciler.emulator import Emulator, serve

from .emulated import create_metric


@contextmanager
def loopback_root(tmp_path: Path) -> Iterator[tuple[Path, Emulator, date]]:
    """(root with environment `e2e`, the emulator, a day well inside the API window)."""
    emulator = Emulator()
    with serve(emulator) as running:
        with GenesysClient(running.url, "reconciler-local", "emulator-secret") as client:
            create_metric(client)
        env = tmp_path / "environments" / "e2e"
        env.mkdir(parents=True)
        (env / "environment.yaml").write_text(
            f"target:\n  base_url: {running.url}\nrate_limit_per_minute: 60000\n"
            "push:\n  time_zone: Europe/London\n"
        )
        yield tmp_path, emulator, (datetime.now(UTC) - timedelta(days=2)).date()
