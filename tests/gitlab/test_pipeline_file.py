"""Static checks of `.gitlab-ci.yml`: the GitLab conventions the e2e run cannot observe.

gitlab-ci-local ignores `resource_group`, deployment tiers and report types, so what those keys
say is pinned here; the behaviour (rules, scripts, artifacts) is proven by test_pipeline_e2e.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

PIPELINE = Path(__file__).resolve().parents[2] / ".gitlab-ci.yml"
ENVS = {"dev": "development", "staging": "staging", "prod": "production"}


@pytest.fixture(scope="module")
def ci() -> dict[str, Any]:
    data = yaml.safe_load(PIPELINE.read_text())
    assert isinstance(data, dict)
    return data


def _job(ci: dict[str, Any], name: str) -> dict[str, Any]:
    """The job with its `extends` template merged in (one level, as this file uses)."""
    job = dict(ci[name])
    base = job.pop("extends", None)
    if base:
        job = {**ci[base], **job}
    return job


def test_stages(ci: dict[str, Any]) -> None:
    assert ci["stages"] == ["validate", "plan", "apply", "drift", "push"]


@pytest.mark.parametrize("env", ENVS)
def test_apply_jobs_are_serialised_per_environment_and_never_interrupted(
    ci: dict[str, Any], env: str
) -> None:
    job = _job(ci, f"apply:{env}")
    assert job["resource_group"] == env
    assert job["interruptible"] is False
    assert job["environment"] == {"name": env, "deployment_tier": ENVS[env]}
    assert job["variables"] == {"ENV": env}
    (rule,) = job["rules"]
    # A push applies, and so does "Run pipeline" (web) on the branch: a re-run.
    assert rule["if"] == f'$CI_PIPELINE_SOURCE =~ /^(push|web)$/ && $CI_COMMIT_BRANCH == "{env}"'
    # Production waits for a person; the others apply on merge.
    assert rule.get("when") == ("manual" if env == "prod" else None)
    assert job["artifacts"]["when"] == "always"
    assert "reports/$ENV/" in job["artifacts"]["paths"]
    script = "\n".join(job["script"])
    assert "--report-terraform" in script and "--report reports/$ENV/apply-report.json" in (
        script.replace('"', "")
    )
    # The write client, mapped from its own variables; the saved plan is the approval.
    assert 'GENESYSCLOUD_OAUTHCLIENT_ID="$GENESYS_WRITE_CLIENT_ID"' in script
    assert "GENESYS_READ_" not in script
    assert "--plan" in script.split("reconciler apply", 1)[1]


@pytest.mark.parametrize("env", ENVS)
def test_plan_jobs_run_in_merge_requests_touching_their_environment(
    ci: dict[str, Any], env: str
) -> None:
    job = _job(ci, f"plan:{env}")
    # read/<env>: variables scoped there (the read-only client) reach plan, not the write client.
    assert job["environment"] == {"name": "read/$ENV", "action": "prepare"}
    script = "\n".join(job["script"])
    assert 'GENESYSCLOUD_OAUTHCLIENT_ID="$GENESYS_READ_CLIENT_ID"' in script
    assert "unset GENESYS_WRITE_CLIENT_ID GENESYS_WRITE_CLIENT_SECRET" in script
    (rule,) = job["rules"]
    assert rule["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
    assert f"environments/{env}/**/*" in rule["changes"]
    assert "environments/base/**/*" in rule["changes"]
    reports = job["artifacts"]["reports"]
    assert reports == {
        "terraform": "reports/$ENV/plan.tfplan.json",
        "junit": "reports/$ENV/plan.junit.xml",
    }


def test_drift_is_a_scheduled_matrix_that_warns_on_exit_2(ci: dict[str, Any]) -> None:
    job = ci["drift"]
    assert job["parallel"]["matrix"] == [{"ENV": list(ENVS)}]
    assert job["allow_failure"] == {"exit_codes": [2]}
    assert any(r.get("if") == '$CI_PIPELINE_SOURCE == "schedule"' for r in job["rules"])
    assert job["artifacts"]["reports"] == {"junit": "reports/$ENV/drift.junit.xml"}


def test_kpi_push_runs_only_when_configured(ci: dict[str, Any]) -> None:
    (rule,) = ci["kpi-push"]["rules"]
    for variable in ("$KPI_PUSH_ENV", "$KPI_PUSH_METRIC", "$KPI_PUSH_INPUT", "$KPI_PUSH_SOQL"):
        assert variable in rule["if"]


def test_kpi_push_keeps_its_ledger_and_summary_when_it_fails(ci: dict[str, Any]) -> None:
    # push exits 1 on any unknown agent: a cache saved on success only would lose the ledger
    # exactly then, and the summary would be gone with the job log.
    job = ci["kpi-push"]
    assert job["cache"]["when"] == "always"
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["paths"] == ["reports/$KPI_PUSH_ENV/"]
    script = "\n".join(job["script"])
    assert '--report "reports/$KPI_PUSH_ENV/push.json"' in script
    assert "RECONCILER_LEDGER" in PIPELINE.read_text()


def test_no_credentials_in_the_file_or_the_artifacts(ci: dict[str, Any]) -> None:
    text = PIPELINE.read_text()
    # Credentials are only ever read from the (masked) CI/CD variables by the tool itself.
    assert not re.search(r"GENESYSCLOUD_OAUTHCLIENT_SECRET\s*:", text)
    assert "$GENESYSCLOUD_OAUTHCLIENT_SECRET" not in text
    for name, job in ci.items():
        if isinstance(job, dict) and "artifacts" in job:
            for path in job["artifacts"].get("paths", []):
                assert path.startswith("reports/"), f"{name} publishes {path}"


def test_drift_reads_the_read_client_and_each_environments_own_branch(ci: dict[str, Any]) -> None:
    job = ci["drift"]
    assert job["environment"] == {"name": "read/$ENV", "action": "prepare"}
    script = "\n".join(job["script"])
    assert 'GENESYSCLOUD_OAUTHCLIENT_ID="$GENESYS_READ_CLIENT_ID"' in script
    assert 'git fetch --quiet origin "+refs/heads/$ENV:$ref"' in script


def test_web_pipelines_are_allowed_for_re_runs(ci: dict[str, Any]) -> None:
    assert {"if": '$CI_PIPELINE_SOURCE == "web"'} in ci["workflow"]["rules"]


def test_the_merge_request_pipeline_exposes_the_preview_page(ci: dict[str, Any]) -> None:
    job = ci["preview"]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert job["artifacts"]["expose_as"] == "Notification preview"
    assert job["artifacts"]["paths"] == ["reports/preview/"]
    assert "--html" in "\n".join(job["script"])
