"""Persistence across emulator instances, seeding, and behind-the-back admin changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.emulator import Emulator
from reconciler.errors import ConfigurationError

from .conftest import DEFINITIONS, NOW, authed_client, create_definition


def test_state_survives_a_new_emulator(tmp_path: Path) -> None:
    path = tmp_path / "org" / "state.json"
    first = Emulator(path, now=lambda: NOW)
    created = create_definition(authed_client(first))
    second = Emulator(path, now=lambda: NOW)
    listing = authed_client(second).get(DEFINITIONS).json()
    assert [d["id"] for d in listing["entities"]] == [created["id"]]
    assert not list(path.parent.glob("*.tmp"))  # atomic writes leave no temp files


def test_every_mutating_request_is_saved_immediately(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    api = authed_client(Emulator(path, now=lambda: NOW))
    created = create_definition(api)
    saved = json.loads(path.read_text())
    assert created["id"] in saved["collections"]["externalMetrics"]
    before = path.stat().st_mtime_ns
    api.get(DEFINITIONS)  # reads do not rewrite the file
    assert path.stat().st_mtime_ns == before


def test_seed_is_deterministic_and_different_seeds_differ() -> None:
    one, again, other = Emulator(seed=1), Emulator(seed=1), Emulator(seed=2)
    assert one.find("users", "Alice Nguyen")["id"] == again.find("users", "Alice Nguyen")["id"]
    assert one.find("users", "Alice Nguyen")["id"] != other.find("users", "Alice Nguyen")["id"]


def test_unreadable_state_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json")
    with pytest.raises(ConfigurationError, match="unreadable"):
        Emulator(path)


def test_mutate_behind_the_tools_back(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    emulator = Emulator(path, now=lambda: NOW)
    api = authed_client(emulator)
    created = create_definition(api)
    emulator.mutate("externalMetrics", "Daily_Revenue_Closed", precision=4)
    assert api.get(f"{DEFINITIONS}/{created['id']}").json()["precision"] == 4
    metric = emulator.find("profileMetrics", "Adherence")
    emulator.mutate("profileMetrics", metric["id"], {"objective.enabled": False})
    assert emulator.find("profileMetrics", metric["id"])["objective"]["enabled"] is False
    assert Emulator(path).find("externalMetrics", created["id"])["precision"] == 4  # persisted
    emulator.remove("externalMetrics", created["id"])
    assert api.get(f"{DEFINITIONS}/{created['id']}").status_code == 404
    with pytest.raises(KeyError):
        emulator.find("externalMetrics", "Daily_Revenue_Closed")


def test_remove_profile_metric_keeps_orders_consistent(emulator: Emulator) -> None:
    metric = emulator.find("profileMetrics", "Adherence")
    emulator.remove("profileMetrics", metric["id"])
    profile = emulator.find("profiles", "Default Performance Profile")
    assert metric["id"] not in profile["metricOrders"]


def test_request_log_and_counts(emulator: Emulator) -> None:
    api = authed_client(emulator)
    emulator.reset_log()
    api.get(DEFINITIONS)
    api.get("/api/v2/users")
    create_definition(api)
    assert emulator.count() == 3
    assert emulator.count("get") == 2
    assert emulator.count("POST", DEFINITIONS) == 1
    assert emulator.request_log[-1].status == 201
    emulator.reset_log()
    assert emulator.count() == 0


def test_unwritable_state_path_is_a_clean_cli_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reconciler.cli import main

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["emulator", "--port", "0", "--state", str(blocker / "state.json")]) == 1
    err = capsys.readouterr().err
    assert "emulator state" in err and "Not a directory" in err and "Traceback" not in err


def test_save_failure_is_a_configuration_error(tmp_path: Path) -> None:
    from reconciler.emulator.state import OrgState, save

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigurationError, match="cannot write emulator state"):
        save(OrgState(), blocker / "state.json")
