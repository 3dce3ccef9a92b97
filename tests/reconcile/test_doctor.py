"""`reconciler doctor`: a read-only preflight, against the emulator served on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import api_writes

from reconciler.cli import main
from reconciler.emulator import Emulator, EmulatorServer, serve
from reconciler.errors import ExitCode

SECRET = "emulator-secret"


def env(root: Path, url: str, *extra: str) -> list[str]:
    folder = root / "environments" / "org"
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["extends: base", "target:", f"  base_url: {url}", "variables:", "  stage: x",
             "  apps_url: https://apps.example.com", "rate_limit_per_minute: 100000",
             *extra]  # fmt: skip
    (folder / "environment.yaml").write_text("\n".join(lines) + "\n")
    return ["doctor", "-e", "org", "--root", str(root)]


@pytest.fixture
def creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENESYSCLOUD_OAUTHCLIENT_ID", "reconciler-local")
    monkeypatch.setenv("GENESYSCLOUD_OAUTHCLIENT_SECRET", SECRET)


@pytest.fixture
def limited() -> Iterator[tuple[Emulator, EmulatorServer]]:
    emulator = Emulator(rate_limit_per_minute=6000)
    with serve(emulator) as running:
        yield emulator, running


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    out, err = capsys.readouterr()
    assert SECRET not in out + err, "the client secret was printed"
    assert "Traceback" not in out + err
    return code, out + err


def test_a_healthy_org_passes_every_read_and_shows_its_rate_limit(
    project: Path, limited: tuple[Emulator, EmulatorServer], creds: None,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    emulator, server = limited
    args = env(project, server.url, "push:", "  time_zone: UTC")
    code, out = run([*args, "--format", "json"], capsys)
    assert code == ExitCode.OK, out
    report = json.loads(out)
    assert report["ok"] is True and report["client_id"] == "reconciler-local"
    assert report["host"] == server.url and report["rate_limit_allowed"] == 6000
    names = [c["name"] for c in report["checks"]]
    assert names[:7] == [
        "token", "external metric definitions", "profiles", "native metric definitions",
        "divisions", "home division", "achievements",
    ]  # fmt: skip
    assert "WFM business units" in names
    assert any(name.startswith("WFM users of ") for name in names)
    perms = {c["name"]: c["permission"] for c in report["checks"]}
    assert (
        perms["external metric definitions"] == "employeePerformance:externalMetricDefinition:view"
    )
    assert perms["profiles"] == "gamification:profile:view"
    assert api_writes(emulator) == 0

    code, text = run(args, capsys)
    assert code == ExitCode.OK
    assert "client id: reconciler-local" in text and "6000 requests/minute" in text
    assert text.rstrip().endswith("All checks passed.")


def test_an_org_without_the_achievements_api_fails_that_read_only(
    project: Path, creds: None, capsys: pytest.CaptureFixture[str]
) -> None:
    bare = Emulator(achievements_path=None)
    with serve(bare) as server:
        code, out = run(env(project, server.url), capsys)
    assert code == ExitCode.ERROR
    (line,) = [x for x in out.splitlines() if "achievements" in x and "GET" in x]
    assert line.split()[0] == "404"
    assert "achievements_path" in out and "1 check(s) failed." in out
    assert "WFM" not in out  # no push: settings, no WFM reads


def test_achievements_not_managed_are_not_checked(
    project: Path, limited: tuple[Emulator, EmulatorServer], creds: None,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    emulator, server = limited
    code, out = run(env(project, server.url, "achievements_path: null"), capsys)
    assert code == ExitCode.OK, out
    assert emulator.count(None, "/api/v2/wem/achievements") == 0


def test_a_refused_secret_fails_the_token_check_without_printing_it(
    project: Path, limited: tuple[Emulator, EmulatorServer], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _, server = limited
    monkeypatch.setenv("GENESYSCLOUD_OAUTHCLIENT_ID", "reconciler-local")
    monkeypatch.setenv("GENESYSCLOUD_OAUTHCLIENT_SECRET", "wrong-s3cret-value")
    code, out = run([*env(project, server.url), "--format", "json"], capsys)
    assert code == ExitCode.ERROR
    assert "wrong-s3cret-value" not in out
    (check,) = json.loads(out)["checks"]
    assert check["name"] == "token" and check["status"] == 401 and not check["ok"]


def test_missing_credentials_for_a_remote_org_are_one_failed_check(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GENESYSCLOUD_OAUTHCLIENT_ID", raising=False)
    monkeypatch.delenv("GENESYSCLOUD_OAUTHCLIENT_SECRET", raising=False)
    code, out = run(env(project, "https://api.example.invalid"), capsys)
    assert code == ExitCode.ERROR
    assert "GENESYSCLOUD_OAUTHCLIENT_ID is not set" in out


def test_members_declared_add_the_directory_reads(
    project: Path, limited: tuple[Emulator, EmulatorServer], creds: None,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Planning `members:` reads users and groups: doctor checks them, and only then."""
    _, server = limited
    args = env(project, server.url)
    code, out = run([*args, "--format", "json"], capsys)
    names = [c["name"] for c in json.loads(out)["checks"]]
    assert code == ExitCode.OK and "users" not in names and "groups" not in names
    members = project / "environments" / "org" / "members.yaml"
    members.write_text(
        "profiles:\n  - name: Sales Agents\n    members:\n      groups: [Sales Floor East]\n"
    )
    code, out = run([*args, "--format", "json"], capsys)
    checks = {c["name"]: c for c in json.loads(out)["checks"]}
    assert code == ExitCode.OK, out
    assert checks["users"]["ok"] and checks["users"]["path"] == "/api/v2/users"
    assert checks["groups"]["ok"] and checks["groups"]["path"] == "/api/v2/groups"
