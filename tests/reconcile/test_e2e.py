"""Plan/apply/drift/export end to end: real client, real emulator, loopback HTTP."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import api_writes, client_for, loopback, write_env

from reconciler.cli import main
from reconciler.emulator import Emulator, EmulatorServer, Faults
from reconciler.errors import ApplyFailedError, ExitCode, ReconcilerError
from reconciler.kinds import Kind
from reconciler.manifests.layers import list_environments
from reconciler.manifests.loader import load
from reconciler.manifests.manifest import Manifest
from reconciler.reconcile import exporter
from reconciler.reconcile.applier import apply
from reconciler.reconcile.live import fetch
from reconciler.reconcile.lock import apply_lock
from reconciler.reconcile.plan import Op, Plan
from reconciler.reconcile.planner import plan

KINDS = ("externalMetrics", "profiles", "profileMetrics", "achievements")


def make_plan(manifest: Manifest, url: str) -> Plan:
    with client_for(url) as client:
        return plan(manifest, fetch(client, manifest))


def run_apply(manifest: Manifest, url: str, tmp_path: Path) -> None:
    with client_for(url) as client:
        apply(manifest, client, report_path=tmp_path / "report.json")


def assert_no_duplicates(emulator: Emulator) -> None:
    for kind in ("externalMetrics", "profiles", "achievements"):
        names = Counter(str(obj["name"]) for obj in emulator.objects(kind))
        assert [n for n, c in names.items() if c > 1] == [], kind
    per_profile = Counter(
        (str(m["performanceProfileId"]), str(m["name"])) for m in emulator.objects("profileMetrics")
    )
    assert [k for k, c in per_profile.items() if c > 1] == []


def snapshot(manifest: Manifest, url: str) -> dict[str, str]:
    """The org as exported manifests: ids left out, so two orgs compare by content."""
    with client_for(url) as client:
        live = fetch(client, manifest, kinds=frozenset(Kind))
    return exporter.render_files(live, "snapshot")


def test_every_shipped_environment_is_shipped() -> None:
    from conftest import REPO

    assert {"local", "dev", "staging", "prod"} <= set(list_environments(REPO))


@pytest.mark.parametrize("env", ["local", "dev", "staging", "prod"])
def test_apply_twice_then_plan_is_empty(
    env: str, project: Path, emulator: Emulator, server: EmulatorServer, tmp_path: Path
) -> None:
    manifest = loopback(load(project, env), server.url)
    first = make_plan(manifest, server.url)
    assert first.has_changes
    run_apply(manifest, server.url, tmp_path)
    assert api_writes(emulator) > 0
    emulator.reset_log()
    run_apply(manifest, server.url, tmp_path)
    assert api_writes(emulator) == 0, "the second apply wrote"
    again = make_plan(manifest, server.url)
    assert not again.has_changes, [a.address for a in again.actions if a.op is not Op.NOOP]
    assert all(a.op is not Op.BLOCKED for a in again.actions)
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["status"] == "succeeded"


def test_apply_converges_under_faults_to_the_clean_end_state(
    project: Path, emulator: Emulator, server: EmulatorServer, tmp_path: Path
) -> None:
    manifest = loopback(load(project, "staging"), server.url)
    clean = Emulator()
    from reconciler.emulator import serve

    with serve(clean) as clean_server:
        clean_manifest = loopback(load(project, "staging"), clean_server.url)
        run_apply(clean_manifest, clean_server.url, tmp_path)
        expected = snapshot(clean_manifest, clean_server.url)

    emulator.set_faults(
        Faults(
            error_rate=0.1,
            drop_rate=0.05,
            lost_response_rate=0.1,
            storm=5,
            storm_retry_after=0,
            seed=7,
        )
    )
    failures = 0
    for _attempt in range(10):
        try:
            run_apply(manifest, server.url, tmp_path)
            break
        except ReconcilerError:
            failures += 1
    else:
        pytest.fail("apply did not converge in 10 runs under faults")
    emulator.set_faults(Faults())
    seen = Counter((r.fault, r.method) for r in emulator.request_log if r.fault)
    # The run really met lost creates, dropped connections and 5xx, not just luck.
    assert seen[("lost_response", "POST")] > 0, seen
    assert sum(n for (fault, _), n in seen.items() if fault == "drop") > 0, seen
    assert sum(n for (fault, _), n in seen.items() if fault == "error") > 0, seen
    assert_no_duplicates(emulator)
    assert not make_plan(manifest, server.url).has_changes
    assert snapshot(manifest, server.url) == expected


def test_lost_create_responses_never_duplicate(
    project: Path, emulator: Emulator, server: EmulatorServer, tmp_path: Path
) -> None:
    manifest = loopback(load(project, "staging"), server.url)
    # Every response is lost after the server acted: each create is found by name, not re-sent.
    emulator.set_faults(Faults(lost_response_rate=1.0))
    with pytest.raises(ReconcilerError):
        run_apply(manifest, server.url, tmp_path)
    emulator.set_faults(Faults(lost_response_rate=0.5, seed=3))
    for _ in range(10):
        try:
            run_apply(manifest, server.url, tmp_path)
            break
        except ReconcilerError:
            continue
    emulator.set_faults(Faults())
    assert_no_duplicates(emulator)
    assert not make_plan(manifest, server.url).has_changes


def test_ambiguous_live_name_blocks_only_that_object(
    project: Path, emulator: Emulator, server: EmulatorServer, tmp_path: Path
) -> None:
    manifest = loopback(load(project, "staging"), server.url)
    with client_for(server.url) as client:
        for _ in range(2):
            client.create_external_metric(
                {"name": "Deals_Closed", "unit": "Number", "precision": 0,
                 "defaultObjectiveType": "HigherIsBetter", "enabled": True}
            )  # fmt: skip
    # Blocked is a failure: everything else is applied, then the run fails and says what.
    with pytest.raises(ApplyFailedError, match="2 blocked") as failed:
        run_apply(manifest, server.url, tmp_path)
    assert "externalMetric.Deals_Closed" in str(failed.value)
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["status"] == "failed" and report["counts"]["blocked"] == 2
    entries = {s["address"]: s for s in report["steps"] if s["status"] == "blocked"}
    assert set(entries) == {
        "externalMetric.Deals_Closed",
        "profileMetric.Sales Agents/Deals closed",
    }
    assert "ambiguous name" in entries["externalMetric.Deals_Closed"]["error"]
    after = make_plan(manifest, server.url)
    blocked = {a.name for a in after.actions if a.op is Op.BLOCKED}
    assert blocked == {"Deals_Closed", "Sales Agents/Deals closed"}
    assert not after.has_changes  # everything else was applied
    assert sum(1 for m in emulator.objects("externalMetrics") if m["name"] == "Deals_Closed") == 2


def test_removals_only_when_the_policy_allows(
    project: Path, emulator: Emulator, server: EmulatorServer, tmp_path: Path
) -> None:
    write_env(project, "keep", server.url)
    write_env(project, "prune", server.url, allow_removals=True)
    keep = load(project, "keep")
    run_apply(keep, server.url, tmp_path)
    with client_for(server.url) as client:
        client.create_external_metric(
            {"name": "Old KPI", "unit": "Number", "precision": 0,
             "defaultObjectiveType": "HigherIsBetter", "enabled": True}
        )  # fmt: skip
    result = make_plan(keep, server.url)
    assert {(a.op, a.name) for a in result.actions if a.op is Op.UNMANAGED} >= {
        (Op.UNMANAGED, "Old KPI"),
        (Op.UNMANAGED, "Default Performance Profile"),
    }
    emulator.reset_log()
    run_apply(keep, server.url, tmp_path)
    assert api_writes(emulator) == 0
    prune = load(project, "prune")
    run_apply(prune, server.url, tmp_path)
    assert "Old KPI" not in {m["name"] for m in emulator.objects("externalMetrics")}
    default = next(
        p for p in emulator.objects("profiles") if p["name"] == "Default Performance Profile"
    )
    assert default["active"] is False  # deactivated, never deleted (Genesys cannot)
    assert not make_plan(prune, server.url).has_changes


def test_stale_saved_plans_are_refused(
    project: Path, emulator: Emulator, server: EmulatorServer, tmp_path: Path
) -> None:
    write_env(project, "loop", server.url)
    root = ["--root", str(project)]
    out = tmp_path / "plan.json"
    assert main(["plan", "-e", "loop", *root, "--out", str(out)]) == ExitCode.OK
    # Someone creates a declared object in the UI meanwhile: the saved plan would duplicate it.
    with client_for(server.url) as client:
        client.create_external_metric(
            {"name": "Deals_Closed", "unit": "Number", "precision": 1,
             "defaultObjectiveType": "HigherIsBetter", "enabled": True}
        )  # fmt: skip
    emulator.reset_log()
    assert main(["apply", "-e", "loop", *root, "--plan", str(out)]) == ExitCode.PLAN_REFUSED
    assert api_writes(emulator) == 0
    # A fresh plan applies; a manifest edited after planning is refused too.
    assert main(["plan", "-e", "loop", *root, "--out", str(out)]) == ExitCode.OK
    profiles = project / "environments" / "base" / "profiles.yaml"
    profiles.write_text(
        profiles.read_text().replace("maxLeaderboardRankSize: 25", "maxLeaderboardRankSize: 30")
    )
    assert main(["apply", "-e", "loop", *root, "--plan", str(out)]) == ExitCode.PLAN_REFUSED
    assert main(["plan", "-e", "loop", *root, "--out", str(out)]) == ExitCode.OK
    # An unrelated live change does not stale it.
    emulator.mutate("profiles", "Default Performance Profile", description="edited in the UI")
    assert main(["apply", "-e", "loop", *root, "--plan", str(out)]) == ExitCode.OK
    assert main(["plan", "-e", "loop", *root, "--detailed-exitcode"]) == ExitCode.OK


def test_replace_is_refused_without_the_flag_and_applied_with_it(
    project: Path, emulator: Emulator, server: EmulatorServer, tmp_path: Path
) -> None:
    write_env(project, "loop", server.url)
    root = ["--root", str(project)]
    with client_for(server.url) as client:
        client.create_external_metric(
            {"name": "Deals_Closed", "unit": "Percent", "precision": 0,
             "defaultObjectiveType": "HigherIsBetter", "enabled": True}
        )  # fmt: skip
    emulator.reset_log()
    assert main(["apply", "-e", "loop", *root, "--auto-approve"]) == ExitCode.PLAN_REFUSED
    assert api_writes(emulator) == 0
    assert main(["apply", "-e", "loop", *root, "--allow-replace", "--auto-approve"]) == ExitCode.OK
    unit = next(
        m["unit"] for m in emulator.objects("externalMetrics") if m["name"] == "Deals_Closed"
    )
    assert unit == "Number"
    assert main(["plan", "-e", "loop", *root, "--detailed-exitcode"]) == ExitCode.OK


def test_drift_reports_ui_changes_and_exits_2(
    project: Path,
    emulator: Emulator,
    server: EmulatorServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_env(project, "loop", server.url)
    root = ["--root", str(project)]
    assert main(["apply", "-e", "loop", *root, "--auto-approve"]) == ExitCode.OK
    capsys.readouterr()
    emulator.mutate("externalMetrics", "Deals_Closed", precision=3)
    assert main(["drift", "-e", "loop", *root, "--format", "json"]) == ExitCode.CHANGES
    report = json.loads(capsys.readouterr().out)
    changed = {a["name"]: a["changes"] for a in report["changed"]}
    assert changed["Deals_Closed"] == [{"path": "precision", "live": 3, "manifest": 0}]
    assert {a["name"] for a in report["unmanaged"]} == {"Default Performance Profile"}


def test_export_then_plan_is_empty_and_export_is_deterministic(
    project: Path, emulator: Emulator, server: EmulatorServer, tmp_path: Path
) -> None:
    write_env(project, "loop", server.url)
    root = ["--root", str(project)]
    assert main(["apply", "-e", "loop", *root, "--auto-approve"]) == ExitCode.OK
    out = project / "environments" / "imported"
    assert main(["export", "-e", "loop", *root, "--out", str(out)]) == ExitCode.OK
    first = {p.name: p.read_text() for p in sorted(out.iterdir())}
    assert main(["export", "-e", "loop", *root, "--out", str(out)]) == ExitCode.OK
    assert {p.name: p.read_text() for p in sorted(out.iterdir())} == first
    assert (
        "id:" not in first["profiles.yaml"]
        and "Default Performance Profile" in first["profiles.yaml"]
    )
    # Zones the target shorthand expresses exactly are exported as the shorthand.
    assert "target:\n      value: 10000\n      points: 100\n" in first["profiles.yaml"]
    assert main(["plan", "-e", "imported", *root, "--detailed-exitcode"]) == ExitCode.OK


def test_local_environment_works_out_of_the_box(project: Path) -> None:
    root = ["--root", str(project)]
    assert main(["apply", "-e", "local", *root, "--auto-approve"]) == ExitCode.OK
    assert main(["plan", "-e", "local", *root, "--detailed-exitcode"]) == ExitCode.OK
    report = json.loads((project / ".reconciler" / "local" / "apply-report.json").read_text())
    assert report["status"] == "succeeded" and report["counts"]["failed"] == 0


def test_a_held_lock_refuses_a_second_apply(project: Path) -> None:
    with apply_lock(project, "local"):
        assert (
            main(["apply", "-e", "local", "--root", str(project), "--auto-approve"])
            == ExitCode.LOCKED
        )
    assert main(["apply", "-e", "local", "--root", str(project), "--auto-approve"]) == ExitCode.OK


def test_invalid_manifest_exits_3_before_any_api_call(
    project: Path, emulator: Emulator, server: EmulatorServer
) -> None:
    write_env(project, "loop", server.url)
    metrics = project / "environments" / "base" / "external-metrics.yaml"
    metrics.write_text(metrics.read_text().replace("precision: 2", "precision: nine"))
    for command in ("plan", "apply", "drift"):
        assert main([command, "-e", "loop", "--root", str(project)]) == ExitCode.INVALID_MANIFEST
    assert emulator.count() == 0


def start_and_signal(project: Path, emulator: Emulator, signum: int) -> int:
    """Run `reconciler apply` in a subprocess and send it `signum` after its 4th write."""
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
    victim = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while api_writes(emulator) < 4 and victim.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        victim.send_signal(signum)
    finally:
        victim.wait(timeout=30)
    emulator.set_faults(Faults())
    return victim.returncode


def rerun_converges(project: Path, emulator: Emulator) -> None:
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
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert_no_duplicates(emulator)
    assert main(["plan", "-e", "loop", "--root", str(project), "--detailed-exitcode"]) == 0


@pytest.mark.slow
def test_apply_killed_mid_run_converges_on_rerun(
    project: Path, emulator: Emulator, server: EmulatorServer
) -> None:
    write_env(project, "loop", server.url)
    returncode = start_and_signal(project, emulator, signal.SIGKILL)
    assert returncode == -signal.SIGKILL, "apply finished before it could be killed"
    assert 4 <= api_writes(emulator) < 13  # killed part-way: a full apply of base makes 13
    # The kernel released the dead process's lock; the re-run finishes the job.
    rerun_converges(project, emulator)


@pytest.mark.slow
def test_sigterm_stops_the_apply_with_a_report(
    project: Path, emulator: Emulator, server: EmulatorServer
) -> None:
    write_env(project, "loop", server.url)
    assert start_and_signal(project, emulator, signal.SIGTERM) == ExitCode.ERROR
    report = json.loads((project / ".reconciler" / "loop" / "apply-report.json").read_text())
    assert report["status"] == "interrupted"
    assert report["counts"]["succeeded"] >= 3 and report["counts"]["not attempted"] > 0
    written = api_writes(emulator)
    assert report["counts"]["succeeded"] <= written <= report["counts"]["succeeded"] + 4
    rerun_converges(project, emulator)
