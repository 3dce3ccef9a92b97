"""Breakage found by driving the real CLI against the loopback emulator: each test pins a fix."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import api_writes, client_for, write_env
from reconcile_builders import (
    ZONES,
    live,
    live_revenue,
    live_revenue_metric,
    live_sales,
    manifest,
    revenue,
    revenue_metric,
    sales,
)

from reconciler.cli import main
from reconciler.emulator import Emulator, EmulatorServer, Faults
from reconciler.errors import ExitCode
from reconciler.kinds import Kind
from reconciler.output import render
from reconciler.reconcile.plan import Action, Op, Plan
from reconciler.reconcile.planner import plan


def test_a_binary_saved_plan_is_a_usage_error_not_a_traceback(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "plan.json"
    saved.write_bytes(b"\xff\xfe\x00garbage")
    assert main(["apply", "-e", "local", "--root", str(project), "--plan", str(saved)]) == (
        ExitCode.USAGE
    )
    err = capsys.readouterr().err
    assert "Traceback" not in err and "is not a saved plan" in err


def test_a_saved_plan_edited_by_hand_is_refused(
    project: Path, emulator: Emulator, server: EmulatorServer, tmp_path: Path
) -> None:
    """The checksums cover the manifests and the live objects, not the actions themselves:
    an edited action (another id, another value) must not be applied as if it were planned."""
    write_env(project, "loop", server.url)
    root = ["--root", str(project)]
    assert main(["apply", "-e", "loop", *root, "--auto-approve"]) == ExitCode.OK
    profiles = project / "environments" / "base" / "profiles.yaml"
    profiles.write_text(
        profiles.read_text().replace("maxLeaderboardRankSize: 25", "maxLeaderboardRankSize: 30")
    )
    out = tmp_path / "plan.json"
    assert main(["plan", "-e", "loop", *root, "--out", str(out)]) == ExitCode.OK
    data = json.loads(out.read_text())
    (update,) = [a for a in data["actions"] if a["op"] == "update"]
    update["desired"]["maxLeaderboardRankSize"] = 999
    out.write_text(json.dumps(data))
    emulator.reset_log()
    assert main(["apply", "-e", "loop", *root, "--plan", str(out)]) == ExitCode.PLAN_REFUSED
    assert api_writes(emulator) == 0
    sizes = {p["name"]: p["maxLeaderboardRankSize"] for p in emulator.objects("profiles")}
    assert sizes["Sales Agents"] == 25


def test_export_escapes_text_that_looks_like_a_variable(
    project: Path, emulator: Emulator, server: EmulatorServer
) -> None:
    """Live text is literal: `${var.x}` in a description must not be substituted on the way
    back in, or export then plan is not empty."""
    write_env(project, "loop", server.url)
    root = ["--root", str(project)]
    assert main(["apply", "-e", "loop", *root, "--auto-approve"]) == ExitCode.OK
    text = "Costs ${var.stage}, $${x} and ${{ achievement.points }}"
    emulator.mutate("profiles", "Sales Agents", description=text)
    out = project / "environments" / "imported"
    assert main(["export", "-e", "loop", *root, "--out", str(out)]) == ExitCode.OK
    assert main(["plan", "-e", "imported", *root, "--detailed-exitcode"]) == ExitCode.OK


def test_a_plan_with_only_blocked_objects_does_not_claim_the_org_matches() -> None:
    state = live([live_revenue(), live_revenue("em-2")])  # two live metrics named alike
    result = plan(manifest(external_metrics=(revenue(),)), state)
    assert [a.op for a in result.actions] == [Op.BLOCKED]
    assert "matches the manifests" not in render.text(result)
    assert "matches the manifests" not in render.markdown(result)
    clean = Plan(environment="dev", actions=(Action(op=Op.NOOP, kind=Kind.PROFILE, name="x"),))
    assert "matches the manifests" in render.text(clean)


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "--out", "{blocker}/plan.json"],
        ["export", "--out", "{blocker}/imported"],
        ["apply", "--auto-approve", "--report", "{blocker}/report.json"],
    ],
)
def test_an_unwritable_output_path_is_one_line_not_a_traceback(
    project: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = project / "a-file"
    blocker.write_text("")
    argv = [arg.format(blocker=blocker) for arg in args]
    assert main([*argv, "-e", "local", "--root", str(project)]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1 and str(blocker) in err
    if argv[0] == "apply":  # refused before the first write
        assert not (project / ".reconciler" / "emulator-state.json").exists()


def test_export_warns_about_references_to_metrics_deleted_behind_the_tools_back(
    project: Path,
    emulator: Emulator,
    server: EmulatorServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_env(project, "loop", server.url)
    root = ["--root", str(project)]
    assert main(["apply", "-e", "loop", *root, "--auto-approve"]) == ExitCode.OK
    emulator.remove("externalMetrics", "Deals_Closed")
    capsys.readouterr()
    out = project / "environments" / "imported"
    assert main(["export", "-e", "loop", *root, "--out", str(out)]) == ExitCode.OK
    err = capsys.readouterr().err
    assert "Warning: profile metric 'Sales Agents/Deals closed' measures <unknown" in err


def test_a_protected_profiles_metrics_are_never_changed_disabled_or_added() -> None:
    """Protecting the org's default profile must protect its metrics too."""
    moved = ZONES[1].model_copy(update={"upper_limit_points": 120})
    desired = manifest(
        external_metrics=(revenue(),),
        profiles=(
            sales(
                revenue_metric(zones=(ZONES[0], moved)),
                revenue_metric(name="Revenue too"),
            ),
        ),
        allow_removals=True,
        protected=("Sales floor",),
    )
    state = live(
        [live_revenue()],
        [live_sales()],
        {"pr-1": [live_revenue_metric(), live_revenue_metric("pm-2", name="Old")]},
    )
    result = plan(desired, state)
    metrics = {a.name: a.op for a in result.actions if a.kind is Kind.PROFILE_METRIC}
    assert metrics == {
        "Sales floor/Revenue": Op.BLOCKED,
        "Sales floor/Revenue too": Op.BLOCKED,
        "Sales floor/Old": Op.UNMANAGED,
    }
    assert not result.has_changes


def test_export_warns_about_names_several_live_objects_share(
    project: Path,
    emulator: Emulator,
    server: EmulatorServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_env(project, "loop", server.url)
    root = ["--root", str(project)]
    assert main(["apply", "-e", "loop", *root, "--auto-approve"]) == ExitCode.OK
    with client_for(server.url) as client:
        home = client.get_home_division()
        body = {"name": "Sales Agents", "description": "copy", "division": {"id": home["id"]},
                "reportingIntervals": [{"intervalType": "Day", "intervalValue": 30}],
                "maxLeaderboardRankSize": 5, "active": False}  # fmt: skip
        client.create_profile(body, copy_metrics=False)
    capsys.readouterr()
    out = project / "environments" / "imported"
    assert main(["export", "-e", "loop", *root, "--out", str(out)]) == ExitCode.OK
    assert "Warning: 2 profiles are named 'Sales Agents'" in capsys.readouterr().err


def test_export_refuses_a_folder_whose_manifests_would_merge_with_it(
    project: Path, emulator: Emulator, server: EmulatorServer
) -> None:
    write_env(project, "loop", server.url)
    root = ["--root", str(project)]
    prod = project / "environments" / "prod"  # extends base, and targets.yaml overlays it
    before = {p.name: p.read_text() for p in prod.iterdir()}
    emulator.reset_log()
    assert main(["export", "-e", "loop", *root, "--out", str(prod)]) == ExitCode.USAGE
    assert {p.name: p.read_text() for p in prod.iterdir()} == before
    assert emulator.count(None, "/api/") == 0
    (prod / "targets.yaml").unlink()
    assert main(["export", "-e", "loop", *root, "--out", str(prod)]) == ExitCode.USAGE
    out = project / "environments" / "imported"
    assert main(["export", "-e", "loop", *root, "--out", str(out)]) == ExitCode.OK
    assert main(["export", "-e", "loop", *root, "--out", str(out)]) == ExitCode.OK


@pytest.mark.slow
def test_ctrl_c_stops_the_apply_with_one_line_naming_the_report(
    project: Path, emulator: Emulator, server: EmulatorServer
) -> None:
    write_env(project, "loop", server.url)
    report = project / ".reconciler" / "loop" / "apply-report.json"
    report.parent.mkdir(parents=True)
    report.write_text("{}")  # a previous run's: never presented as this run's
    emulator.set_faults(Faults(latency_ms=40))
    command = [
        sys.executable,
        "-m",
        "reconciler",
        "apply",
        "-e",
        "loop",
        "--root",
        str(project),
        "--auto-approve",
    ]
    victim = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while api_writes(emulator) < 4 and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    victim.send_signal(signal.SIGINT)
    _, err = victim.communicate(timeout=30)
    assert victim.returncode == ExitCode.ERROR
    # Progress lines come first; the error is one line, the last, and no traceback.
    assert err.strip().splitlines()[-1] == f"Error: apply interrupted by SIGINT; report: {report}"
    assert "Traceback" not in err and "Apply interrupted after" in err, err
    assert json.loads(report.read_text())["status"] == "interrupted"
