"""Apply: payloads keep what the manifest does not manage; failures stop and are reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, in_process_client

from reconciler.emulator import Emulator, Faults
from reconciler.errors import ApplyFailedError
from reconciler.kinds import Kind
from reconciler.manifests.loader import load
from reconciler.reconcile import applier
from reconciler.reconcile.live import fetch
from reconciler.reconcile.plan import Action, FieldChange, Op
from reconciler.reconcile.planner import plan
from reconciler.reconcile.resources.achievements import achievement_body
from reconciler.reconcile.resources.external_metrics import external_metric_patch
from reconciler.reconcile.resources.profile_metrics import objective_body
from reconciler.reconcile.resources.profiles import profile_put_body
from reconciler.reconcile.steps import phases


def test_profile_put_keeps_the_live_metric_order() -> None:
    desired = {
        "name": "P",
        "description": "d",
        "reportingIntervals": [],
        "maxLeaderboardRankSize": 5,
    }
    body = profile_put_body(desired, {"metricOrders": ["m2", "m1"], "active": True})
    assert body["metricOrders"] == ["m2", "m1"]
    assert "active" not in body and "division" not in body  # read-only on PUT


def test_objective_keeps_unmanaged_live_settings_and_drops_unset_limits() -> None:
    live = {
        "id": "o1",
        "templateId": "tpl",
        "mediaTypes": ["voice"],
        "queues": [{"id": "q1", "selfUri": "/q1"}],
        "zones": [],
        "enabled": True,
    }
    zone = {"label": "Target", "zoneType": "Target", "directionType": "Up", "lowerLimitValue": 5,
            "upperLimitValue": None, "lowerLimitPoints": 1, "upperLimitPoints": 1}  # fmt: skip
    body = objective_body([zone], False, live)
    assert body["templateId"] == "tpl" and body["mediaTypes"] == ["voice"]
    assert body["queueIds"] == ["q1"] and "id" not in body
    assert body["enabled"] is False
    assert "upperLimitValue" not in body["zones"][0]


def test_achievement_patch_sends_nulls_so_cleared_fields_clear_but_create_does_not() -> None:
    desired = {
        "name": "A", "description": "", "type": "ACHIEVEMENT", "completion_type": "ONCE",
        "scope_type": "DAILY",
        "trigger": {"metric": "KPI", "operator": "GTE", "value": 5.0, "sustained_days": None},
        "notifications": {
            "toast": True,
            "email": {"enabled": False, "subject": None, "body": None},
            "push": {"enabled": False, "title": None, "body": None, "deep_link": None},
        },
    }  # fmt: skip
    patch = achievement_body(desired, "m-1", for_patch=True)
    assert patch["notifications"]["email"]["subject"] is None
    assert patch["trigger"] == {
        "metric_id": "m-1",
        "condition": {"operator": "GTE", "value": 5.0},
        "sustained_days": None,
    }
    create = achievement_body(desired, "m-1", for_patch=False)
    assert "subject" not in create["notifications"]["email"]
    assert "sustained_days" not in create["trigger"]


def test_external_metric_patch_sends_only_changed_patchable_fields() -> None:
    action = Action(
        op=Op.UPDATE,
        kind=Kind.EXTERNAL_METRIC,
        name="KPI",
        live_id="x",
        changes=(FieldChange(path="precision", before=0, after=2),),
        desired={"name": "KPI", "unit": "Number", "precision": 2, "enabled": True},
    )
    assert external_metric_patch(action) == {"precision": 2}


def test_a_failed_write_stops_the_apply_and_the_report_says_what_happened(tmp_path: Path) -> None:
    emulator = Emulator()
    manifest = load(REPO, "local")
    with in_process_client(emulator) as client:
        live = fetch(client, manifest)
        planned = plan(manifest, live)
        # Every write from now on is refused with a 400 (not retryable).
        emulator.set_faults(Faults(error_rate=1.0, error_status=400))
        result = applier.execute(planned, live, manifest, client)
    counts = result.counts()
    assert counts["succeeded"] == 0
    assert 1 <= counts["failed"] <= 4  # the first phase's in-flight creates, at most the pool
    assert counts["not attempted"] == len(result.steps) - counts["failed"]
    report = json.loads(result.to_json())
    assert report["status"] == "failed"
    failed = [s for s in report["steps"] if s["status"] == "failed"]
    assert all(s["address"].startswith("externalMetric.") and "400" in s["error"] for s in failed)
    assert report["steps"][-1]["status"] == "not attempted"


def test_apply_stops_at_the_org_limit_reports_and_converges_on_rerun(tmp_path: Path) -> None:
    emulator = Emulator()
    manifest = load(REPO, "local")
    report = tmp_path / "nested" / "report.json"
    with in_process_client(emulator) as client:
        for n in range(49):  # one slot left of the org's 50 external metrics
            client.create_external_metric(
                {"name": f"Filler {n:02d}", "unit": "Number", "precision": 0,
                 "defaultObjectiveType": "HigherIsBetter", "enabled": True}
            )  # fmt: skip
        with pytest.raises(ApplyFailedError) as caught:
            applier.apply(manifest, client, report_path=report)
        assert str(report) in str(caught.value)
        data = json.loads(report.read_text())
        assert data["status"] == "failed"
        assert data["counts"]["succeeded"] == 1 and data["counts"]["failed"] == 1
        failed = next(s for s in data["steps"] if s["status"] == "failed")
        assert "too.many.metric.definitions" in failed["error"]
        assert data["counts"]["not attempted"] == len(data["steps"]) - 2
        for metric in client.list_external_metrics():
            if metric["name"].startswith("Filler"):
                client.delete_external_metric(metric["id"])
        result = applier.apply(manifest, client, report_path=report)
        assert not result.failed
        assert not plan(manifest, fetch(client, manifest)).has_changes


def test_phases_run_kinds_in_order_and_keep_one_actions_steps_together() -> None:
    emulator = Emulator()
    manifest = load(REPO, "local")
    with in_process_client(emulator) as client:
        live = fetch(client, manifest)
    planned = plan(manifest, live)
    steps = applier._Applier(planned, live, manifest, client).steps()
    order = [(s.action.kind, s.name) for group in phases(steps) for s in group[0][:1]]
    kinds = [kind for kind, _ in order]
    assert kinds == [
        Kind.EXTERNAL_METRIC,
        Kind.PROFILE,
        Kind.PROFILE_METRIC,
        Kind.PROFILE_MEMBERS,  # local manages Sales Agents' members
        Kind.PROFILE,  # activation, after the metrics exist
        Kind.ACHIEVEMENT,
    ]
    assert order[4][1] == "activate"
