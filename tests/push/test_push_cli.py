"""`reconciler push` through `main` (so exit codes are what a CI job sees), over loopback HTTP.

The emulator runs its real clock here (the CLI has no clock option), so the deals are dated
relative to today in UTC, well inside the API window.
"""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.client import GenesysClient
from reconciler.emulator import Emulator, EmulatorServer, serve

from .emulated import ALICE, DATA_PATH, METRIC, create_metric


@pytest.fixture
def server() -> Iterator[tuple[Emulator, EmulatorServer]]:
    emulator = Emulator()
    with serve(emulator) as running:
        with GenesysClient(running.url, "reconciler-local", "emulator-secret") as client:
            create_metric(client)
        yield emulator, running


@pytest.fixture
def root(tmp_path: Path, server: tuple[Emulator, EmulatorServer]) -> Path:
    env = tmp_path / "environments" / "e2e"
    env.mkdir(parents=True)
    (env / "environment.yaml").write_text(
        f"target:\n  base_url: {server[1].url}\nrate_limit_per_minute: 60000\n"
        "push:\n  time_zone: Europe/London\n"
    )
    return tmp_path


def deals(tmp_path: Path, *values: str) -> Path:
    day = (datetime.now(UTC) - timedelta(days=2)).date()
    path = tmp_path / "deals.csv"
    lines = [f"{ALICE},{day}T15:00:00-05:00,{v}" for v in values]
    path.write_text("agent,timestamp,value\n" + "\n".join(lines) + "\n")
    return path


def test_push_over_loopback_then_nothing_to_send(
    root: Path, server: tuple[Emulator, EmulatorServer], capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = server[0]
    args = ["push", "--root", str(root), "-e", "e2e", "--metric", METRIC]
    assert main([*args, "--input", str(deals(root, "10", "2.5"))]) == 0
    out = capsys.readouterr().out
    assert "Summary: sent 1, unchanged 0, zeroed 0" in out
    assert [(p["value"], p["count"]) for p in emulator.data_points()] == [(12.5, 2)]
    ledger = root / ".reconciler" / "e2e" / "push-ledger.sqlite"
    with sqlite3.connect(ledger) as db:
        assert db.execute("SELECT value, count FROM points").fetchall() == [("12.5", 2)]
    posts = emulator.count("POST", DATA_PATH)
    assert main([*args, "--input", str(deals(root, "10", "2.5"))]) == 0
    assert "Summary: sent 0, unchanged 1" in capsys.readouterr().out
    assert emulator.count("POST", DATA_PATH) == posts


def test_dry_run_and_unreadable_rows_exit_1(
    root: Path, server: tuple[Emulator, EmulatorServer], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["push", "--root", str(root), "-e", "e2e", "--metric", METRIC]
    path = deals(root, "10", "oops")
    assert main([*args, "--input", str(path), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "would send 1 point(s)" in out and "line 3: value 'oops' is not a number" in out
    assert server[0].data_points() == []
    assert not (root / ".reconciler").exists()
    assert main([*args, "--input", str(path)]) == 1
    assert [p["value"] for p in server[0].data_points()] == [10.0]


def test_cli_errors_are_one_line_with_the_right_code(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["push", "--root", str(root), "-e", "e2e", "--input", str(deals(root, "1"))]
    assert main([*args, "--metric", "Nope"]) == 1
    assert "no external metric named 'Nope'" in capsys.readouterr().err
    assert main([*args, "--metric", METRIC, "--from", "2026-11-01"]) == 4
    assert main([*args, "--metric", METRIC, "--source-tz", "Mars/Base"]) == 1
    assert "unknown time zone 'Mars/Base'" in capsys.readouterr().err
    missing = ["--agent-column", "owner"]
    assert main([*args, "--metric", METRIC, *missing]) == 1
    assert "missing column(s) owner" in capsys.readouterr().err


def test_jsonl_daily_rows_from_stdin_through_a_mapping(
    root: Path,
    server: tuple[Emulator, EmulatorServer],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    day = (datetime.now(UTC) - timedelta(days=1)).date()
    (root / "owners.yaml").write_text(f"'0051': {ALICE}\n'0052': nobody@example.com\n")
    lines = [
        {"owner": "0051", "day": str(day), "amount": 99.5, "deals": 3},
        {"owner": "0052", "day": str(day), "amount": 1, "deals": 1},
    ]
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code = main(
        [
            "push",
            "--root",
            str(root),
            "-e",
            "e2e",
            "--metric",
            METRIC,
            "--input",
            "-",
            "--mapping",
            str(root / "owners.yaml"),
            "--agent-column",
            "owner",
            "--time-column",
            "day",
            "--value-column",
            "amount",
            "--count-column",
            "deals",
        ]
    )
    assert code == 1  # the unknown agent
    assert "skipped: unknown agent '0052': 1 row(s), line(s) 2" in capsys.readouterr().out
    points = server[0].data_points()
    assert [(p["dateOccurred"], p["value"], p["count"]) for p in points] == [(str(day), 99.5, 3)]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["push", "--root", str(root), "-e", "e2e", "--metric", METRIC]
    assert main([*args, "--input", str(deals(root, "1"))]) == 0
    assert "pushing points" not in capsys.readouterr().err
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main([*args, "--input", str(deals(root, "2"))]) == 0
    assert "pushing points" in terminal.getvalue()


def test_json_format_for_ci(
    root: Path, server: tuple[Emulator, EmulatorServer], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["push", "--root", str(root), "-e", "e2e", "--metric", METRIC, "--format", "json"]
    assert main([*args, "--input", str(deals(root, "10", "x"))]) == 1
    body = json.loads(capsys.readouterr().out)
    assert body["failed"] is True and body["dryRun"] is False
    assert [(p["agent"], p["value"], p["count"]) for p in body["sent"]] == [(ALICE, "10", 1)]
    assert body["unreadable"] == [{"line": 3, "message": "value 'x' is not a number"}]
    assert main([*args, "--input", str(deals(root, "12")), "--dry-run"]) == 0
    body = json.loads(capsys.readouterr().out)
    (change,) = body["changes"]
    assert change["previous"] == {"value": "10", "count": 1} and change["value"] == "12"
