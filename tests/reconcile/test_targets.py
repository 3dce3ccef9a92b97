"""`--target KIND:NAME` on plan, apply and drift: the targets and what they depend on, only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import api_writes, write_env

from reconciler.cli import main
from reconciler.emulator import Emulator, EmulatorServer
from reconciler.errors import ExitCode, UsageError
from reconciler.kinds import Kind
from reconciler.reconcile.targets import Target, parse


def _plan_json(root: list[str], capsys: pytest.CaptureFixture[str], *targets: str) -> Any:
    args = [a for t in targets for a in ("--target", t)]
    assert main(["plan", "-e", "loop", *root, "--format", "json", *args]) == ExitCode.OK
    return json.loads(capsys.readouterr().out)


def _written(data: Any) -> set[str]:
    return {f"{a['kind']}:{a['name']}" for a in data["actions"] if a["op"] != "no-op"}


def test_parse_accepts_kind_name_and_refuses_the_rest() -> None:
    assert parse("achievement:Revenue Rockstar") == Target(Kind.ACHIEVEMENT, "Revenue Rockstar")
    assert parse("profileMetric:Sales Agents/Revenue closed").name == "Sales Agents/Revenue closed"
    with pytest.raises(UsageError, match="did you mean 'achievement'"):
        parse("achievment:Revenue Rockstar")
    with pytest.raises(UsageError, match="expected KIND:NAME"):
        parse("Revenue Rockstar")


def test_a_target_brings_its_dependencies_and_nothing_else(
    project: Path, server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    write_env(project, "loop", server.url)
    root = ["--root", str(project)]
    full = _plan_json(root, capsys)
    assert full["partial"] is False and full["targets"] == []

    data = _plan_json(root, capsys, "profileMetric:Sales Agents/Revenue closed")
    assert data["partial"] is True
    assert data["targets"] == ["profileMetric:Sales Agents/Revenue closed"]
    assert _written(data) == {
        "profileMetric:Sales Agents/Revenue closed",
        "profile:Sales Agents",
        "externalMetric:Daily_Revenue_Closed",
    }
    achievement = _plan_json(root, capsys, "achievement:Revenue Rockstar")
    assert _written(achievement) == {
        "achievement:Revenue Rockstar",
        "externalMetric:Daily_Revenue_Closed",
    }
    assert len(_written(full)) > len(_written(data))

    assert main(["plan", "-e", "loop", *root, "--target", "profile:Sales Agents"]) == 0
    text = capsys.readouterr().out
    assert "Partial plan: only profile:Sales Agents and what they depend on" in text
    assert "profileMetric" not in text  # a target's dependants are not brought in
    assert (
        main(
            [
                "plan",
                "-e",
                "loop",
                *root,
                "--target",
                "profile:Sales Agents",
                "--format",
                "markdown",
            ]
        )
        == 0
    )
    assert "> **Warning:** Partial plan" in capsys.readouterr().out


def test_an_unknown_target_is_a_usage_error_with_a_suggestion(
    project: Path, server: EmulatorServer, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    write_env(project, "loop", server.url)
    root = ["--root", str(project)]
    for command in (["plan"], ["drift"], ["apply", "--auto-approve"]):
        code = main([*command, "-e", "loop", *root, "--target", "achievement:Revenue Rokstar"])
        assert code == ExitCode.USAGE
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "did you mean 'Revenue Rockstar'" in err, err
    assert api_writes(emulator) == 0


def test_apply_with_a_target_writes_only_it_and_a_saved_partial_plan_too(
    project: Path,
    server: EmulatorServer,
    emulator: Emulator,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_env(project, "loop", server.url)
    root = ["--root", str(project)]
    target = ["--target", "externalMetric:Deals_Closed"]
    assert main(["apply", "-e", "loop", *root, *target, "--auto-approve"]) == ExitCode.OK
    assert emulator.count("POST", "/api/") == 1 == api_writes(emulator)
    assert [m["name"] for m in emulator.objects("externalMetrics")] == ["Deals_Closed"]

    saved = tmp_path / "partial.json"
    profile = ["--target", "achievement:Revenue Rockstar"]
    assert main(["plan", "-e", "loop", *root, *profile, "--out", str(saved)]) == ExitCode.OK
    assert json.loads(saved.read_text())["targets"] == ["achievement:Revenue Rockstar"]
    assert main(["apply", "-e", "loop", *root, "--plan", str(saved)]) == ExitCode.OK
    names = sorted(m["name"] for m in emulator.objects("externalMetrics"))
    assert names == ["Daily_Revenue_Closed", "Deals_Closed"]
    assert [a["name"] for a in emulator.objects("achievements")] == ["Revenue Rockstar"]
    assert emulator.objects("profiles") == [] or all(
        p["name"] == "Default Performance Profile" for p in emulator.objects("profiles")
    )
    capsys.readouterr()
    # The drift of one object: only that object, labelled partial.
    assert main(["drift", "-e", "loop", *root, *target, "--format", "json"]) in (0, 2)
    drift = json.loads(capsys.readouterr().out)
    assert drift["partial"] is True and drift["targets"] == ["externalMetric:Deals_Closed"]
    assert {a["name"] for a in drift["changed"] + drift["unmanaged"]} <= {"Deals_Closed"}
