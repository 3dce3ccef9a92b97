"""The API payloads each kind sends, pinned down key for key (pure functions, no HTTP).

Every assertion compares whole dicts: a renamed key, a flipped condition or boolean, or a field
sent that Genesys would reject changes the payload and fails here. test_applier.py covers a few
payload behaviours in passing; these complement it with the exact bodies.
"""

from __future__ import annotations

from typing import Any

from reconcile_builders import live_revenue_metric, live_sales, revenue, wins

from reconciler.kinds import Kind
from reconciler.reconcile.plan import Action, FieldChange, Op
from reconciler.reconcile.resources.achievements import achievement_body, desired_achievement
from reconciler.reconcile.resources.external_metrics import (
    PATCHABLE,
    desired_external_metric,
    external_metric_body,
    external_metric_patch,
)
from reconciler.reconcile.resources.profile_metrics import (
    disable_metric_body,
    objective_body,
    profile_metric_body,
)
from reconciler.reconcile.resources.profiles import profile_create_body, profile_put_body

GOOD = {"label": "Good", "zoneType": "Good", "directionType": "Up", "lowerLimitValue": 0,
        "upperLimitValue": 5000, "lowerLimitPoints": 0, "upperLimitPoints": 50}  # fmt: skip
TARGET = {"label": "Target", "zoneType": "Target", "directionType": "Up", "lowerLimitValue": 5000,
          "upperLimitValue": 10000, "lowerLimitPoints": 50, "upperLimitPoints": 100}  # fmt: skip
OPEN_ENDED = {**TARGET, "upperLimitValue": None}
OPEN_ENDED_SENT = {k: v for k, v in TARGET.items() if k != "upperLimitValue"}


# --- external metrics --------------------------------------------------------------------


def test_external_metric_body_sends_every_manifest_field() -> None:
    assert external_metric_body(desired_external_metric(revenue())) == {
        "name": "Revenue",
        "unit": "Currency",
        "unitDefinition": "USD",
        "precision": 2,
        "defaultObjectiveType": "HigherIsBetter",
        "enabled": True,
    }


def test_external_metric_body_leaves_out_unset_fields_but_keeps_falsy_ones() -> None:
    desired = {"name": "Calls", "unit": "Number", "unitDefinition": None, "precision": 0,
               "defaultObjectiveType": None, "enabled": False, "extra": "not sent"}  # fmt: skip
    assert external_metric_body(desired) == {
        "name": "Calls",
        "unit": "Number",
        "precision": 0,
        "enabled": False,
    }


def test_only_name_precision_objective_type_and_enabled_are_patchable() -> None:
    assert PATCHABLE == ("name", "precision", "defaultObjectiveType", "enabled")


def _metric_update(paths: tuple[str, ...], desired: dict[str, Any] | None) -> Action:
    return Action(
        op=Op.UPDATE,
        kind=Kind.EXTERNAL_METRIC,
        name="Revenue",
        live_id="em-1",
        changes=tuple(FieldChange(path=path, before=1, after=2) for path in paths),
        desired=desired,
    )


def test_external_metric_patch_sends_every_changed_patchable_field_and_no_other() -> None:
    desired = {**desired_external_metric(revenue()), "enabled": False}
    paths = ("name", "precision", "defaultObjectiveType", "enabled", "unit", "unitDefinition")
    assert external_metric_patch(_metric_update(paths, desired)) == {
        "name": "Revenue",
        "precision": 2,
        "defaultObjectiveType": "HigherIsBetter",
        "enabled": False,
    }


def test_external_metric_patch_reads_the_top_field_of_a_nested_change_path() -> None:
    desired = desired_external_metric(revenue())
    action = _metric_update(("name.first", "precision[0]"), desired)
    assert external_metric_patch(action) == {"name": "Revenue", "precision": 2}


def test_external_metric_patch_without_desired_sends_nulls_for_the_changed_fields() -> None:
    assert external_metric_patch(_metric_update(("precision",), None)) == {"precision": None}


# --- profiles ----------------------------------------------------------------------------

INTERVALS = [{"intervalType": "Day", "intervalValue": 30}]


def test_profile_create_body_is_inactive_in_the_given_division() -> None:
    desired = {"name": "Sales floor", "description": "Sales agents", "division": "Sales",
               "reportingIntervals": INTERVALS, "maxLeaderboardRankSize": 25,
               "active": True}  # fmt: skip
    assert profile_create_body(desired, "div-sales") == {
        "name": "Sales floor",
        "description": "Sales agents",
        "division": {"id": "div-sales"},
        "reportingIntervals": INTERVALS,
        "active": False,
        "maxLeaderboardRankSize": 25,
    }


def test_profile_create_body_sends_empty_description_and_intervals_when_unset() -> None:
    desired = {"name": "P", "description": None, "reportingIntervals": None,
               "maxLeaderboardRankSize": 10}  # fmt: skip
    assert profile_create_body(desired, "div-home") == {
        "name": "P",
        "description": "",
        "division": {"id": "div-home"},
        "reportingIntervals": [],
        "active": False,
        "maxLeaderboardRankSize": 10,
    }


def test_profile_put_body_is_the_full_replacement_with_the_live_metric_order() -> None:
    desired = {"name": "Sales floor", "description": "New text", "division": "Home",
               "reportingIntervals": INTERVALS, "maxLeaderboardRankSize": 5,
               "active": True}  # fmt: skip
    assert profile_put_body(desired, live_sales(metricOrders=["pm-2", "pm-1"])) == {
        "name": "Sales floor",
        "description": "New text",
        "metricOrders": ["pm-2", "pm-1"],
        "reportingIntervals": INTERVALS,
        "maxLeaderboardRankSize": 5,
    }


def test_profile_put_body_sends_empty_lists_and_description_when_unset() -> None:
    desired = {"name": "P", "maxLeaderboardRankSize": 5}
    assert profile_put_body(desired, {"metricOrders": None}) == {
        "name": "P",
        "description": "",
        "metricOrders": [],
        "reportingIntervals": [],
        "maxLeaderboardRankSize": 5,
    }


# --- objectives --------------------------------------------------------------------------


def test_objective_body_keeps_every_unmanaged_live_setting() -> None:
    live = {
        "id": "obj-1",
        "dateStart": "2026-11-01",
        "templateId": "tpl",
        "mediaTypes": ["voice", "chat"],
        "topicIdsFilterType": "or",
        "evaluationFormContextIds": ["ctx-1"],
        "initialDirection": "Inbound",
        "queues": [{"id": "q1", "selfUri": "/q1"}, {"id": "q2"}],
        "topics": [{"id": "t1", "name": "Billing"}],
        "enabled": False,
        "zones": [GOOD],
    }
    assert objective_body([OPEN_ENDED, GOOD], True, live) == {
        "templateId": "tpl",
        "mediaTypes": ["voice", "chat"],
        "topicIdsFilterType": "or",
        "evaluationFormContextIds": ["ctx-1"],
        "initialDirection": "Inbound",
        "queueIds": ["q1", "q2"],
        "topicIds": ["t1"],
        "enabled": True,
        "zones": [OPEN_ENDED_SENT, GOOD],
    }


def test_objective_body_keeps_empty_live_settings_but_not_null_ones_or_empty_queues() -> None:
    live: dict[str, Any] = {"templateId": None, "mediaTypes": [], "topicIdsFilterType": None,
            "evaluationFormContextIds": None, "initialDirection": "",
            "queues": [], "topics": []}  # fmt: skip
    assert objective_body([GOOD], False, live) == {
        "mediaTypes": [],
        "initialDirection": "",
        "enabled": False,
        "zones": [GOOD],
    }


def test_objective_body_without_a_live_objective_is_just_the_managed_part() -> None:
    assert objective_body([], False, None) == {"enabled": False, "zones": []}
    assert objective_body([TARGET], True, {}) == {"enabled": True, "zones": [TARGET]}


# --- profile metrics ---------------------------------------------------------------------


def _desired_metric(**changes: Any) -> dict[str, Any]:
    desired = {"profile": "Sales floor", "name": "Revenue", "externalMetric": "Revenue",
               "nativeMetric": None, "precision": 2, "timeDisplayUnit": "Minutes",
               "enabled": True, "zones": [GOOD, OPEN_ENDED]}  # fmt: skip
    desired.update(changes)
    return desired


def test_profile_metric_body_for_a_new_external_metric() -> None:
    body = profile_metric_body(_desired_metric(), ("externalMetricDefinitionId", "em-1"), None)
    assert body == {
        "name": "Revenue",
        "externalMetricDefinitionId": "em-1",
        "precision": 2,
        "timeDisplayUnit": "Minutes",
        "objective": {"enabled": True, "zones": [GOOD, OPEN_ENDED_SENT]},
    }


def test_profile_metric_body_leaves_out_unmanaged_fields_but_sends_precision_zero() -> None:
    desired = _desired_metric(precision=0, timeDisplayUnit=None, enabled=False)
    body = profile_metric_body(desired, ("metricDefinitionId", "nat-aht"), {"name": "Revenue"})
    assert body == {
        "name": "Revenue",
        "metricDefinitionId": "nat-aht",
        "precision": 0,
        "objective": {"enabled": False, "zones": [GOOD, OPEN_ENDED_SENT]},
    }


def test_profile_metric_body_without_precision_sends_the_time_unit_alone() -> None:
    desired = _desired_metric(precision=None, timeDisplayUnit="Seconds")
    body = profile_metric_body(desired, ("metricDefinitionId", "nat-aht"), None)
    assert body == {
        "name": "Revenue",
        "metricDefinitionId": "nat-aht",
        "timeDisplayUnit": "Seconds",
        "objective": {"enabled": True, "zones": [GOOD, OPEN_ENDED_SENT]},
    }


def test_profile_metric_body_update_keeps_the_live_objective_settings() -> None:
    live = live_revenue_metric()
    live["objective"]["queues"] = [{"id": "q1"}]
    body = profile_metric_body(_desired_metric(), ("externalMetricDefinitionId", "em-1"), live)
    assert body == {
        "name": "Revenue",
        "externalMetricDefinitionId": "em-1",
        "precision": 2,
        "timeDisplayUnit": "Minutes",
        "objective": {
            "templateId": "tpl",
            "queueIds": ["q1"],
            "enabled": True,
            "zones": [GOOD, OPEN_ENDED_SENT],
        },
    }


def test_disabling_an_external_metric_sends_it_back_with_its_live_zones_disabled() -> None:
    live = live_revenue_metric(timeDisplayUnit=None, metricDefinitionId="ignored")
    assert disable_metric_body(live) == {
        "name": "Revenue",
        "externalMetricDefinitionId": "em-1",
        "precision": 2,
        "objective": {"templateId": "tpl", "enabled": False, "zones": [TARGET, GOOD]},
    }


def test_disabling_a_native_metric_names_its_metric_definition() -> None:
    live = {"id": "pm-2", "name": "AHT", "metricDefinitionId": "nat-aht",
            "externalMetricDefinitionId": None, "precision": 0, "timeDisplayUnit": "Seconds",
            "objective": {"enabled": True, "mediaTypes": ["voice"],
                          "zones": [OPEN_ENDED]}}  # fmt: skip
    assert disable_metric_body(live) == {
        "name": "AHT",
        "metricDefinitionId": "nat-aht",
        "precision": 0,
        "timeDisplayUnit": "Seconds",
        "objective": {"mediaTypes": ["voice"], "enabled": False, "zones": [OPEN_ENDED_SENT]},
    }


def test_disabling_a_metric_without_objective_or_unmanaged_fields() -> None:
    live = {"name": "AHT", "metricDefinitionId": "nat-aht", "precision": None, "objective": None}
    assert disable_metric_body(live) == {
        "name": "AHT",
        "metricDefinitionId": "nat-aht",
        "objective": {"enabled": False, "zones": []},
    }


# --- achievements ------------------------------------------------------------------------

NOTIFICATIONS = {
    "toast": False,
    "email": {"enabled": True, "subject": "Well done", "body": None},
    "push": {"enabled": False, "title": None, "body": None, "deep_link": None},
}


def _desired_achievement(**changes: Any) -> dict[str, Any]:
    desired = {
        "name": "Big week",
        "description": "Five wins",
        "type": "BADGE",
        "completion_type": "REPEATABLE",
        "scope_type": "WEEKLY",
        "trigger": {"metric": "Revenue", "operator": "GT", "value": 5, "sustained_days": 3},
        "notifications": NOTIFICATIONS,
    }
    desired.update(changes)
    return desired


def test_achievement_patch_body_sends_every_field_nulls_included() -> None:
    assert achievement_body(_desired_achievement(), "em-1", for_patch=True) == {
        "name": "Big week",
        "description": "Five wins",
        "type": "BADGE",
        "completion_type": "REPEATABLE",
        "scope_type": "WEEKLY",
        "trigger": {
            "metric_id": "em-1",
            "condition": {"operator": "GT", "value": 5},
            "sustained_days": 3,
        },
        "notifications": NOTIFICATIONS,
    }


def test_achievement_create_body_drops_nulls_everywhere() -> None:
    desired = _desired_achievement(description=None)
    desired["trigger"] = {**desired["trigger"], "sustained_days": None}
    assert achievement_body(desired, "em-1", for_patch=False) == {
        "name": "Big week",
        "description": "",
        "type": "BADGE",
        "completion_type": "REPEATABLE",
        "scope_type": "WEEKLY",
        "trigger": {"metric_id": "em-1", "condition": {"operator": "GT", "value": 5}},
        "notifications": {
            "toast": False,
            "email": {"enabled": True, "subject": "Well done"},
            "push": {"enabled": False},
        },
    }


def test_achievement_patch_body_from_a_manifest_achievement() -> None:
    desired = desired_achievement(wins())
    body = achievement_body(desired, "em-9", for_patch=True)
    assert body["trigger"]["metric_id"] == "em-9"
    assert body["notifications"] == desired["notifications"]
