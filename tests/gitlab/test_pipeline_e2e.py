"""The pipeline `reconciler init` writes, run by gitlab-ci-local against `reconciler emulator`.

A repository made by `init` (no project source in it; dev/staging/prod targets rewritten to the
emulator's loopback URL) goes through the three triggers the pipeline serves, its jobs installing
the tool themselves from the wheel built from this checkout, through RECONCILER_REQUIREMENT:

1. a merge-request pipeline touching only `environments/dev/`: validate + plan:dev, with the
   Terraform/JUnit/Markdown artifacts, and the note posted to a fake GitLab API;
2. a push to the `dev` branch applies; a second push applies nothing (zero write calls);
3. a scheduled pipeline after someone changed the org behind the tool's back reports drift.

gitlab-ci-local runs jobs with the shell executor (`--force-shell-executor`: the jobs' python
image is ignored); the jobs' `pip` and `reconciler` are those of an empty venv made for them, and
the venv running this test is not on their PATH. gitlab-ci-local reports `allow_failure:
exit_codes` wrongly (exit 0 for any code), so the assertions use the exit codes the jobs write
into their artifacts (`reports/<env>/<step>.exit-code`).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from reconciler import __version__

from .fake_gitlab import FakeGitLab, serve_fake

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PIPELINE_ENVS = ("dev", "staging", "prod")
TIMEOUT = 300  # seconds for one gitlab-ci-local run; a hang fails instead of blocking CI
TOKEN = "glpat-e2e-token"
PREDEFINED = "CI_PIPELINE_SOURCE,CI_COMMIT_BRANCH,CI_MERGE_REQUEST_IID,CI_API_V4_URL,CI_PROJECT_ID"


def _gitlab_ci_local() -> str:
    found = shutil.which("gitlab-ci-local") or shutil.which(
        "gitlab-ci-local", path=str(REPO / ".ci" / "node" / "node_modules" / ".bin")
    )
    if found:
        return found
    message = "gitlab-ci-local is not installed (.ci/run installs it into .ci/node)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " - required in CI")
    pytest.skip(message)


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=ci@example.com", "-c", "user.name=CI", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout


def _clean_env(tool_bin: Path = BIN) -> dict[str, str]:
    """This process's environment without CI or credential variables; `tool_bin` first on PATH.

    The test venv's folder is taken off PATH so that a job finds no `reconciler` but its own.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("GENESYSCLOUD_", "RECONCILER_", "GITLAB_", "CI_", "GCL_", "VIRTUAL_ENV")
        )
    }
    rest = [p for p in env.get("PATH", "").split(os.pathsep) if p and Path(p) != BIN]
    env["PATH"] = os.pathsep.join([str(tool_bin), *rest])
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture(scope="module")
def gitlab_ci_local() -> str:
    return _gitlab_ci_local()


@pytest.fixture(scope="module")
def emulator(gitlab_ci_local: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`reconciler emulator` as a real process on a free loopback port; yields its URL."""
    state = tmp_path_factory.mktemp("emulator") / "state.json"
    process = subprocess.Popen(
        [str(BIN / "reconciler"), "emulator", "--port", "0", "--state", str(state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_clean_env(),
    )
    lines: queue.Queue[str | None] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout

    def pump() -> None:
        for line in stdout:
            lines.put(line)
        lines.put(None)  # EOF: the process ended

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        url, seen = "", []
        for _ in range(20):  # bounded: the URL is the first line printed
            line = lines.get(timeout=30)
            if line is None:
                break
            seen.append(line)
            if "listening on " in line:
                url = line.rsplit("listening on ", 1)[1].strip()
                break
        assert url.startswith("http://127.0.0.1:"), "no emulator URL in:\n" + "".join(seen)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        reader.join(timeout=10)  # EOF after the exit; then the pipe can be closed
        stdout.close()


def _emulator_call(url: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{url}/__emulator/{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def _writes(url: str) -> int:
    return sum(
        _emulator_call(url, "GET", f"count?method={method}&pathPrefix=/api/v2")["count"]
        for method in ("POST", "PUT", "PATCH", "DELETE")
    )


@pytest.fixture(scope="module")
def job_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty venv (pip only) whose bin/ the jobs run with: they install the tool into it."""
    venv = tmp_path_factory.mktemp("job-venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    assert not (venv / "bin" / "reconciler").exists()
    return venv / "bin"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, emulator: str) -> Path:
    """A repository made by `reconciler init`; its pipeline environments target the emulator."""
    repo = tmp_path_factory.mktemp("manifests") / "gamification"
    subprocess.run(
        [str(BIN / "reconciler"), "init", str(repo)],
        check=True,
        capture_output=True,
        timeout=60,
        env=_clean_env(),
    )
    assert not [n for n in ("pyproject.toml", "setup.py", "reconciler") if (repo / n).exists()]
    for env in PIPELINE_ENVS:
        path = repo / "environments" / env / "environment.yaml"
        data = yaml.safe_load(path.read_text())
        data["target"] = {"base_url": emulator}
        path.write_text(yaml.safe_dump(data, sort_keys=False))
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "main")
    # gitlab-ci-local diffs `rules:changes` against origin/<default branch>.
    _git(repo, "update-ref", "refs/remotes/origin/main", "main")
    _git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
    return repo


class Pipeline:
    """gitlab-ci-local in the repository, the way a GitLab project would run its pipeline.

    Every run sets RECONCILER_REQUIREMENT (as a CI/CD variable overrides the file's pin) to the
    wheel built from this checkout, and gives jobs the job venv's bin/ as the first PATH entry.
    """

    def __init__(self, repo: Path, requirement: str, job_bin: Path) -> None:
        self.repo, self.requirement, self.job_bin = repo, requirement, job_bin

    def __call__(
        self, *args: str, variables: dict[str, str] | None = None, unset: tuple[str, ...] = ()
    ) -> subprocess.CompletedProcess[str]:
        """One run; fresh reports/ each time (a new pipeline's artifacts)."""
        shutil.rmtree(self.repo / "reports", ignore_errors=True)
        command = [
            _gitlab_ci_local(),
            "--home",
            str(self.repo.parent / f"{self.repo.name}-gcl-home"),
            "--force-shell-executor",
            "--no-color",
            "--ignore-predefined-vars",
            PREDEFINED,
            "--variable",
            f"RECONCILER_REQUIREMENT={self.requirement}",
        ]
        for key, value in (variables or {}).items():
            command += ["--variable", f"{key}={value}"]
        for key in unset:
            command += ["--unset-variable", key]
        return subprocess.run(
            [*command, *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=_clean_env(self.job_bin),
            cwd=self.repo,  # gitlab-ci-local's --cwd takes only relative paths
        )


@pytest.fixture(scope="module")
def pipeline(repo: Path, wheel: Path, job_bin: Path) -> Pipeline:
    return Pipeline(repo, str(wheel), job_bin)


def _exit_code(repo: Path, name: str) -> int:
    path = repo / "reports" / name
    assert path.exists(), f"{name} missing from the artifacts"
    return int(path.read_text().strip())


def _junit(path: Path) -> ET.Element:
    root = ET.fromstring(path.read_text())
    assert root.tag == "testsuites"
    return root


def _failed(path: Path) -> list[str]:
    suite = _junit(path).find("testsuite")
    assert suite is not None
    return [str(c.get("name")) for c in suite.findall("testcase") if c.find("failure") is not None]


def _tfplan(path: Path) -> dict[str, int]:
    data = json.loads(path.read_text())
    assert set(data) == {"create", "update", "delete"}
    assert all(isinstance(v, int) for v in data.values())
    return {str(k): int(v) for k, v in data.items()}


def _declared_external_metric(repo: Path) -> dict[str, Any]:
    """The first external metric the shipped base layer declares (dev extends base)."""
    for path in sorted((repo / "environments" / "base").glob("*.yaml")):
        declared = yaml.safe_load(path.read_text()) or {}
        if declared.get("externalMetrics"):
            return dict(declared["externalMetrics"][0])
    raise AssertionError("the shipped base environment declares no external metric")


def _redeclare_precision(repo: Path) -> str:
    """Change the precision of the base layer's second external metric; returns its name."""
    path = repo / "environments" / "base" / "external-metrics.yaml"
    declared = yaml.safe_load(path.read_text())
    metric = declared["externalMetrics"][1]
    metric["precision"] = (int(metric.get("precision", 0)) + 3) % 6
    path.write_text(yaml.safe_dump(declared, sort_keys=False))
    return str(metric["name"])


def _log(done: subprocess.CompletedProcess[str]) -> str:
    return f"gitlab-ci-local exit {done.returncode}\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}"


def _check_merge_request_reports(repo: Path, fake: FakeGitLab, emulator: str) -> dict[str, int]:
    reports = repo / "reports"
    assert _exit_code(repo, "validate.exit-code") == 0
    assert _junit(reports / "validate.junit.xml").get("failures") == "0"
    assert _exit_code(repo, "dev/plan.exit-code") == 2  # changes to apply
    assert sorted(p.name for p in reports.iterdir() if p.is_dir()) == ["dev", "preview"]
    planned = _tfplan(reports / "dev" / "plan.tfplan.json")
    assert planned["create"] > 0
    suite = _junit(reports / "dev" / "plan.junit.xml").find("testsuite")
    assert suite is not None and int(suite.get("tests", "0")) >= planned["create"]
    summary = (reports / "dev" / "plan.md").read_text()
    assert summary.startswith("<!-- reconciler:dev:plan -->")
    assert (reports / "dev" / "plan.json").exists()
    assert [n["body"] for n in fake.notes] == [summary]  # the MR note is the Markdown report
    assert _writes(emulator) == 0, "a plan must not write to the org"
    # The preview page of every environment, for the MR's "Notification preview" link.
    for env in PIPELINE_ENVS:
        page = (reports / "preview" / env / "index.html").read_text()
        assert 'data-achievement="Revenue Rockstar"' in page and 'data-channel="push"' in page
    return planned


def test_merge_request_push_and_schedule_pipelines(
    repo: Path, emulator: str, pipeline: Pipeline, job_bin: Path, wheel: Path
) -> None:
    # --- 1. merge request touching only dev ------------------------------------------------
    _git(repo, "checkout", "-q", "-b", "feature")
    env_file = repo / "environments" / "dev" / "environment.yaml"
    data = yaml.safe_load(env_file.read_text())
    data.setdefault("variables", {})["stage"] = "dev-mr"
    env_file.write_text(yaml.safe_dump(data, sort_keys=False))
    _git(repo, "commit", "-q", "-am", "dev: new stage label")

    fake = FakeGitLab(token=TOKEN)
    with serve_fake(fake) as api_url:
        mr = {
            "CI_PIPELINE_SOURCE": "merge_request_event",
            "CI_MERGE_REQUEST_IID": fake.iid,
            "CI_PROJECT_ID": fake.project,
            "CI_API_V4_URL": api_url,
            "RECONCILER_GITLAB_TOKEN": TOKEN,
        }
        # A real MR pipeline has no CI_COMMIT_BRANCH.
        listed = pipeline("--list", unset=("CI_COMMIT_BRANCH",), variables=mr)
        assert "plan:dev" in listed.stdout, _log(listed)
        assert "plan:staging" not in listed.stdout and "plan:prod" not in listed.stdout
        done = pipeline(unset=("CI_COMMIT_BRANCH",), variables=mr)
        assert done.returncode == 0, _log(done)
        assert TOKEN not in done.stdout + done.stderr
        planned = _check_merge_request_reports(repo, fake, emulator)
        # The jobs installed the tool from the wheel into their own venv: not the checkout.
        assert f"reconciler, version {__version__}" in done.stdout, _log(done)
        where = subprocess.run(
            [str(job_bin / "python"), "-I", "-c", "import reconciler; print(reconciler.__file__)"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
        assert Path(where).is_relative_to(job_bin.parent) and not Path(where).is_relative_to(REPO)
        assert (job_bin / "reconciler").exists()
        plan_note = next(n for n in fake.notes if "<!-- reconciler:dev:plan -->" in n["body"])
        assert "Plan for `dev`" in plan_note["body"] and "not run" not in plan_note["body"]

        # --- 1b. the MR breaks a manifest: the note says so, the plan note is not left stale
        metrics = repo / "environments" / "base" / "external-metrics.yaml"
        metrics.write_text(metrics.read_text().replace("precision: 2", "precision: nine", 1))
        _git(repo, "commit", "-q", "-am", "a typo")
        broken = pipeline(unset=("CI_COMMIT_BRANCH",), variables=mr)
        _git(repo, "reset", "-q", "--hard", "HEAD~1")
        assert _exit_code(repo, "validate.exit-code") == 3, _log(broken)
        bodies = {n["body"].split("\n", 1)[0]: n["body"] for n in fake.notes}
        validate_note = bodies["<!-- reconciler:all:validate -->"]
        assert "external-metrics.yaml" in validate_note and "precision" in validate_note
        stale = bodies["<!-- reconciler:dev:plan -->"]
        assert "Plan for `dev` not run: the manifests are invalid" in stale
        assert "external-metrics.yaml" in stale
        # Only notes that existed are replaced: none is created for staging or prod.
        assert not any(":staging:" in b or ":prod:" in b for b in bodies)
        # Stable JUnit names: no line:col in them (the location is in the failure text).
        failed = _failed(repo / "reports" / "validate.junit.xml")
        assert failed and all(":" not in name for name in failed), failed

    reports = repo / "reports"

    # --- 2. merge to dev: apply, then a second push applies nothing ----------------------
    _git(repo, "checkout", "-q", "-b", "dev")
    done = pipeline()
    assert done.returncode == 0, _log(done)
    assert _exit_code(repo, "dev/apply.exit-code") == 0, _log(done)
    log = done.stdout + done.stderr  # gitlab-ci-local prints job stderr on its own stderr
    # The apply log shows the plan once (the saved plan's text is an artifact).
    assert log.count("Reconciler will perform the following actions") == 1, _log(done)
    assert " started" in log and " succeeded in " in log  # progress per write
    assert (reports / "dev" / "plan.txt").read_text().startswith("Reconciler will perform")
    assert _tfplan(reports / "dev" / "plan.tfplan.json") == planned
    applied = json.loads((reports / "dev" / "apply-report.json").read_text())
    assert applied["status"] == "succeeded" and applied["counts"]["succeeded"] > 0
    writes_after_apply = _writes(emulator)
    assert writes_after_apply > 0

    done = pipeline()
    assert done.returncode == 0, _log(done)
    assert _exit_code(repo, "dev/apply.exit-code") == 0, _log(done)
    assert _tfplan(reports / "dev" / "plan.tfplan.json") == {"create": 0, "update": 0, "delete": 0}
    applied = json.loads((reports / "dev" / "apply-report.json").read_text())
    assert applied["status"] == "succeeded" and applied["steps"] == []
    assert _writes(emulator) == writes_after_apply, "the second apply must not write"

    # --- 3. schedule: someone edits the org in the admin UI -> drift -----------------------
    # GitLab holds every environment's branch; staging's declares another precision for one
    # metric. The schedule runs on dev: drift of staging must read staging's branch.
    _git(repo, "remote", "add", "origin", str(repo))
    _git(repo, "branch", "prod", "dev")
    _git(repo, "checkout", "-q", "-b", "staging", "dev")
    staging_only = _redeclare_precision(repo)
    _git(repo, "commit", "-q", "-am", "staging: another precision")
    _git(repo, "checkout", "-q", "dev")
    schedule = {"CI_PIPELINE_SOURCE": "schedule"}
    listed = pipeline("--list", variables=schedule)
    assert "drift: [dev]" in listed.stdout and "kpi-push" not in listed.stdout, _log(listed)
    kpi = {"KPI_PUSH_ENV": "dev", "KPI_PUSH_METRIC": "m", "KPI_PUSH_INPUT": "x.csv"}
    push_listed = pipeline("--list", variables=schedule | kpi)
    assert "kpi-push" in push_listed.stdout and "drift" not in push_listed.stdout

    metric = _declared_external_metric(repo)
    # Baseline: right after apply the metric is not drifted (the seeded default profile, which no
    # manifest declares, may be reported as unmanaged: exit 0 or 2).
    done = pipeline("drift: [dev]", variables=schedule)
    assert _exit_code(repo, "dev/drift.exit-code") in (0, 2), _log(done)
    assert metric["name"] not in _failed(reports / "dev" / "drift.junit.xml")

    _emulator_call(
        emulator,
        "POST",
        "mutate",
        {
            "kind": "externalMetrics",
            "key": metric["name"],
            "changes": {"precision": (int(metric.get("precision", 0)) + 1) % 6},
        },
    )
    done = pipeline(variables=schedule)
    assert _exit_code(repo, "dev/drift.exit-code") == 2, _log(done)
    assert metric["name"] in _failed(reports / "dev" / "drift.junit.xml")
    drift_md = (reports / "dev" / "drift.md").read_text()
    assert drift_md.startswith("<!-- reconciler:dev:drift -->") and metric["name"] in drift_md
    for env in ("staging", "prod"):
        assert _exit_code(repo, f"{env}/drift.exit-code") in (0, 2), _log(done)
    # Each environment against its own branch: the staging branch's change is staging's drift,
    # and neither dev's (the branch the schedule runs on) nor prod's.
    assert staging_only in _failed(reports / "staging" / "drift.junit.xml"), _log(done)
    assert staging_only not in _failed(reports / "dev" / "drift.junit.xml")
    assert staging_only not in _failed(reports / "prod" / "drift.junit.xml")
