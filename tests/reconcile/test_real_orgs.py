"""An org as Genesys ships it (no achievements API), over loopback HTTP, through the CLI.

Also: blocked objects fail plan and apply, drift agrees with plan after a permitted prune, and
export never overwrites manifests it did not write.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, api_writes

from reconciler.cli import main
from reconciler.emulator import Emulator, EmulatorServer, serve
from reconciler.errors import ExitCode

ACHIEVEMENTS = "/api/v2/wem/achievements"
PROTECT_DEFAULT = ("policy:", "  protected: [Default Performance Profile]")


def env_file(root: Path, name: str, url: str, *extra: str) -> list[str]:
    lines = [
        "extends: base",
        "target:",
        f"  base_url: {url}",
        "variables:",
        "  stage: e2e",
        "  apps_url: https://apps.example.com",
        "rate_limit_per_minute: 100000",
        *extra,
    ]
    folder = root / "environments" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "environment.yaml").write_text("\n".join(lines) + "\n")
    return ["-e", name, "--root", str(root)]


@pytest.fixture
def bare() -> Emulator:
    """An org without the achievements API: every path under it answers 404."""
    return Emulator(achievements_path=None)


@pytest.fixture
def bare_server(bare: Emulator) -> Iterator[EmulatorServer]:
    with serve(bare) as running:
        yield running


def declared_achievements() -> set[str]:
    text = (REPO / "environments" / "base" / "achievements.yaml").read_text()
    return {
        line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("  - name:")
    }


def test_an_org_without_the_achievements_api_blocks_only_the_achievements(
    project: Path,
    bare: Emulator,
    bare_server: EmulatorServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = env_file(project, "real", bare_server.url)
    achievements = declared_achievements()
    assert achievements

    assert main(["plan", *args, "--format", "json"]) == ExitCode.ERROR
    out, err = capsys.readouterr()
    plan = json.loads(out)  # the whole plan is printed before the run fails
    blocked = {a["name"]: a["reason"] for a in plan["actions"] if a["op"] == "blocked"}
    assert set(blocked) == achievements
    for reason in blocked.values():
        assert ACHIEVEMENTS in reason and "achievements_path" in reason and "404" in reason
    assert {a["kind"] for a in plan["actions"] if a["op"] == "create"} == {
        "externalMetric",
        "profile",
        "profileMetric",
    }
    assert "Error: " in err and "blocked" in err

    assert main(["plan", *args, "--detailed-exitcode"]) == ExitCode.ERROR
    capsys.readouterr()

    report_path = tmp_path / "report.json"
    assert main(["apply", "--auto-approve", *args, "--report", str(report_path)]) == ExitCode.ERROR
    _, err = capsys.readouterr()
    assert "blocked" in err
    report = json.loads(report_path.read_text())
    assert report["status"] == "failed"
    assert report["counts"]["failed"] == 0 and report["counts"]["succeeded"] > 0
    steps = {s["address"]: s for s in report["steps"] if s["status"] == "blocked"}
    assert set(steps) == {f"achievement.{name}" for name in achievements}
    assert all(ACHIEVEMENTS in str(s["error"]) for s in steps.values())
    assert {p["name"] for p in bare.objects("profiles")} >= {"Sales Agents"}

    # Everything else converged: the next apply writes nothing and still fails on the blocked.
    bare.reset_log()
    assert main(["apply", "--auto-approve", *args, "--report", str(report_path)]) == ExitCode.ERROR
    assert api_writes(bare) == 0


def test_achievements_path_null_never_calls_the_achievements_api(
    project: Path,
    bare: Emulator,
    bare_server: EmulatorServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = env_file(project, "real", bare_server.url, "achievements_path: null", *PROTECT_DEFAULT)
    assert main(["validate", *args]) == ExitCode.OK
    assert main(["plan", *args]) == ExitCode.OK
    out = capsys.readouterr().out
    (note,) = [line for line in out.splitlines() if line.startswith("Achievements are not managed")]
    assert "achievements_path: null" in note and f"{len(declared_achievements())} declared" in note
    report = ["--report", str(tmp_path / "r.json")]
    assert main(["apply", "--auto-approve", *args, *report]) == ExitCode.OK
    assert main(["drift", *args]) == ExitCode.OK
    assert main(["plan", *args, "--detailed-exitcode"]) == ExitCode.OK
    out_dir = project / "environments" / "imported"
    assert main(["export", *args, "--out", str(out_dir)]) == ExitCode.OK
    assert not (out_dir / "achievements.yaml").exists()
    assert bare.count(None, ACHIEVEMENTS) == 0
    assert bare.count(None, "/api/v2/gamification/profiles") > 0


def test_a_managed_org_lists_its_achievements_and_the_plan_has_no_note(
    project: Path, emulator: Emulator, server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    args = env_file(project, "loop", server.url)
    assert main(["plan", *args, "--detailed-exitcode"]) == ExitCode.CHANGES
    assert "Achievements are not managed" not in capsys.readouterr().out
    assert emulator.count("GET", ACHIEVEMENTS) == 1


def test_a_plan_whose_only_differences_are_blocked_exits_1(
    project: Path, emulator: Emulator, server: EmulatorServer, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    args = env_file(project, "loop", server.url)
    report = ["--report", str(tmp_path / "r.json")]
    assert main(["apply", "--auto-approve", *args, *report]) == ExitCode.OK
    twin = dict(
        next(a for a in emulator.objects("achievements") if a["name"] == "Revenue Rockstar")
    )
    twin.pop("id")
    from conftest import client_for

    with client_for(server.url) as client:
        client.create_achievement(twin)
    capsys.readouterr()
    reports = tmp_path / "reports"
    code = main(
        ["plan", *args, "--detailed-exitcode", "--report-terraform", str(reports / "tf.json"),
         "--report-junit", str(reports / "j.xml"), "--report-markdown", str(reports / "n.md")]
    )  # fmt: skip
    assert code == ExitCode.ERROR
    out, err = capsys.readouterr()
    assert '! achievement "Revenue Rockstar": ambiguous name' in out
    assert out.rstrip().endswith("0 to disable; 1 unmanaged, 1 blocked.")
    assert "Error: 1 blocked" in err and "achievement.Revenue Rockstar" in err
    assert json.loads((reports / "tf.json").read_text())["blocked"] == 1
    assert "<failure" in (reports / "j.xml").read_text()
    note = (reports / "n.md").read_text()
    assert "1 blocked" in note and "Revenue Rockstar" in note

    emulator.reset_log()
    report = tmp_path / "r.json"
    assert main(["apply", "--auto-approve", *args, "--report", str(report)]) == ExitCode.ERROR
    assert api_writes(emulator) == 0
    data = json.loads(report.read_text())
    (step,) = data["steps"]
    assert step["status"] == "blocked" and "ambiguous name" in step["error"]
    assert "Apply failed: 0 succeeded, 0 failed, 1 blocked" in capsys.readouterr().err


def test_drift_agrees_with_an_empty_plan_after_a_permitted_prune(
    project: Path, emulator: Emulator, server: EmulatorServer, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    policy = ("policy:", "  allow_removals: true", "  protected: [Default Performance Profile]")
    args = env_file(project, "prune", server.url, *policy)
    report = ["--report", str(tmp_path / "r.json")]
    assert main(["apply", "--auto-approve", *args, *report]) == ExitCode.OK
    # Drop a profile and one metric of another from the manifests.
    profiles = project / "environments" / "base" / "profiles.yaml"
    text = profiles.read_text()
    text = text[: text.index("  - name: Collections Agents")]
    start = text.index("      - name: Handle time")
    profiles.write_text(text[:start])
    assert main(["plan", *args, "--detailed-exitcode"]) == ExitCode.CHANGES
    assert main(["apply", "--auto-approve", *args, *report]) == ExitCode.OK
    capsys.readouterr()
    assert main(["plan", *args, "--detailed-exitcode"]) == ExitCode.OK
    capsys.readouterr()
    assert main(["drift", *args, "--format", "json"]) == ExitCode.OK
    drift = json.loads(capsys.readouterr().out)
    assert drift["drifted"] is False and drift["unmanaged"] == []
    assert main(["plan", *args, "--format", "json"]) == ExitCode.OK
    removed = {
        a["name"]: a["reason"]
        for a in json.loads(capsys.readouterr().out)["actions"]
        if (a["reason"] or "").startswith("removed:")
    }
    assert set(removed) == {"Collections Agents", "Sales Agents/Handle time"}


def test_export_never_overwrites_hand_written_manifests(
    project: Path, emulator: Emulator, server: EmulatorServer,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    args = env_file(project, "loop", server.url)
    base = project / "environments" / "base"
    before = {p.name: p.read_text() for p in base.iterdir()}
    emulator.reset_log()
    assert main(["export", *args, "--out", str(base)]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "achievements.yaml was not written by reconciler export" in err
    assert {p.name: p.read_text() for p in base.iterdir()} == before
    assert emulator.count(None, "/api/") == 0

    out = project / "environments" / "imported"
    assert main(["export", *args, "--out", str(out)]) == ExitCode.OK
    assert main(["export", *args, "--out", str(out)]) == ExitCode.OK  # over its own files
    for path in out.glob("*.yaml"):
        # Line 1 is the schema modeline editors read; the export's mark is line 2.
        modeline, mark = path.read_text().splitlines()[:2]
        assert modeline.startswith("# yaml-language-server: $schema="), path.name
        assert mark.startswith("# Written by reconciler export"), path.name
    (out / "notes.yaml").write_text("# mine\nexternalMetrics: []\n")
    assert main(["export", *args, "--out", str(out)]) == ExitCode.USAGE
    assert "notes.yaml was not written by reconciler export" in capsys.readouterr().err


def test_the_emulator_command_serves_an_org_without_achievements(tmp_path: Path) -> None:
    import subprocess
    import sys

    import httpx

    proc = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "emulator", "--port", "0", "--no-achievements"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().rsplit(" ", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=url, timeout=10) as http:
            token = http.post(
                "/oauth/token",
                auth=("reconciler-local", "emulator-secret"),
                data={"grant_type": "client_credentials"},
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            assert http.get(ACHIEVEMENTS, headers=headers).status_code == 404
            assert http.get("/api/v2/gamification/profiles", headers=headers).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def test_shipped_real_environments_do_not_manage_achievements() -> None:
    """dev/staging/prod target real Genesys regions, which have no achievements API."""
    for env in ("dev", "staging", "prod"):
        text = (REPO / "environments" / env / "environment.yaml").read_text()
        assert "\nachievements_path: null" in text, env
