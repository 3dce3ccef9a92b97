"""The normal forms, field by field: live JSON and manifest models must meet in the same dict.

The planner tests see these through whole plans; here each field's spelling, default and
conversion is pinned down, so a mistyped key or a lost default fails by name.
"""

from __future__ import annotations

from typing import Any

import pytest
from reconcile_builders import (
    ZONES,
    live_revenue,
    live_revenue_metric,
    live_sales,
    live_wins,
    revenue,
    revenue_metric,
    sales,
    wins,
)

from reconciler.manifests.models import ObjectiveType, ProfileMetric, ReportingInterval
from reconciler.reconcile.normalize import Lookup, sort_zones
from reconciler.reconcile.resources.achievements import desired_achievement, live_achievement
from reconciler.reconcile.resources.external_metrics import (
    desired_external_metric,
    live_external_metric,
)
from reconciler.reconcile.resources.profile_metrics import (
    desired_profile_metric,
    live_profile_metric,
    live_zone,
    manage_only_set_fields,
    profile_metric_name,
)
from reconciler.reconcile.resources.profiles import desired_profile, live_profile

LOOKUP = Lookup(
    external_metric_names={"em-1": "Revenue"},
    native_metric_names={"nat-aht": "Average Handle Time"},
    division_names={"div-home": "Home", "div-sales": "Sales"},
    home_division="Home",
    objective_types={"Revenue": ObjectiveType.HIGHER_IS_BETTER},
)
ZONE_DICTS = [z.model_dump(mode="json", by_alias=True) for z in ZONES]


def test_external_metric_live_and_desired_forms_match_with_every_field() -> None:
    expected = {
        "name": "Revenue",
        "unit": "Currency",
        "unitDefinition": "USD",
        "precision": 2,
        "defaultObjectiveType": "HigherIsBetter",
        "enabled": True,
    }
    assert live_external_metric(live_revenue()) == expected
    assert desired_external_metric(revenue()) == expected
    disabled = {**expected, "enabled": False}
    assert live_external_metric(live_revenue(enabled=False)) == disabled
    assert desired_external_metric(revenue(enabled=False)) == disabled


def test_external_metric_live_defaults() -> None:
    # Genesys leaves out unitDefinition (or sends "") for units without one; enabled by default.
    assert live_external_metric({"name": "Calls", "unitDefinition": ""}) == {
        "name": "Calls",
        "unit": None,
        "unitDefinition": None,
        "precision": None,
        "defaultObjectiveType": None,
        "enabled": True,
    }


def test_profile_live_and_desired_forms_match() -> None:
    expected = {
        "name": "Sales floor",
        "description": "Sales agents",
        "division": "Home",
        "reportingIntervals": [{"intervalType": "Day", "intervalValue": 30}],
        "maxLeaderboardRankSize": 25,
        "active": True,
    }
    assert live_profile(live_sales(), LOOKUP) == expected
    # No division in the manifest means the home division.
    assert desired_profile(sales(max_leaderboard_rank_size=25), LOOKUP) == expected


def test_a_live_division_given_by_id_only_is_named_from_the_lookup() -> None:
    assert live_profile(live_sales(division={"id": "div-sales"}), LOOKUP)["division"] == "Sales"
    # Unknown ids are shown by id, so a plan says which division the profile is in.
    assert (
        live_profile(live_sales(division={"id": "div-x"}), LOOKUP)["division"] == "<division div-x>"
    )
    named = live_sales(division={"id": "div-sales", "name": "Sales renamed"})
    assert live_profile(named, LOOKUP)["division"] == "Sales renamed"


def test_profile_live_defaults() -> None:
    assert live_profile({"name": "P"}, LOOKUP) == {
        "name": "P",
        "description": "",
        "division": None,
        "reportingIntervals": [],
        "maxLeaderboardRankSize": None,
        "active": False,
    }


def test_reporting_intervals_compare_sorted_by_kind_then_value_as_integers() -> None:
    raw = live_sales(
        reportingIntervals=[
            {"intervalType": "Year", "intervalValue": 1},
            {"intervalType": "Month", "intervalValue": 1},
            "not an interval",
            {"intervalType": "Day", "intervalValue": 30.0},
            {"intervalType": "Week", "intervalValue": 2},
            {"intervalType": "Day", "intervalValue": 7},
        ]
    )
    intervals = live_profile(raw, LOOKUP)["reportingIntervals"]
    assert intervals == [
        {"intervalType": "Day", "intervalValue": 7},
        {"intervalType": "Day", "intervalValue": 30},
        {"intervalType": "Week", "intervalValue": 2},
        {"intervalType": "Month", "intervalValue": 1},
        {"intervalType": "Year", "intervalValue": 1},  # unknown kinds last
    ]
    assert isinstance(intervals[1]["intervalValue"], int)
    declared = sales(
        reporting_intervals=(
            ReportingInterval(interval_type="Week", interval_value=2),
            ReportingInterval(interval_type="Day", interval_value=30),
        )
    )
    assert desired_profile(declared, LOOKUP)["reportingIntervals"] == [
        {"intervalType": "Day", "intervalValue": 30},
        {"intervalType": "Week", "intervalValue": 2},
    ]


def test_profile_metric_live_and_desired_forms_match() -> None:
    expected: dict[str, Any] = {
        "profile": "Sales floor",
        "name": "Revenue",
        "externalMetric": "Revenue",
        "nativeMetric": None,
        "precision": 2,
        "timeDisplayUnit": "None",
        "enabled": True,
        "zones": ZONE_DICTS,
    }
    assert live_profile_metric("Sales floor", live_revenue_metric(), LOOKUP) == expected
    desired = revenue_metric(precision=2, time_display_unit="None")
    assert desired_profile_metric("Sales floor", desired, LOOKUP) == expected


def test_a_disabled_objective_round_trips() -> None:
    raw = live_revenue_metric()
    raw["objective"]["enabled"] = False
    assert live_profile_metric("P", raw, LOOKUP)["enabled"] is False
    assert desired_profile_metric("P", revenue_metric(enabled=False), LOOKUP)["enabled"] is False


def test_profile_metric_live_defaults_and_unknown_metrics() -> None:
    bare = live_profile_metric("P", {"name": "M", "metricDefinitionId": "nat-aht"}, LOOKUP)
    assert bare == {
        "profile": "P",
        "name": "M",
        "externalMetric": None,
        "nativeMetric": "Average Handle Time",
        "precision": None,
        "timeDisplayUnit": None,
        "enabled": True,
        "zones": [],
    }
    unknown = live_profile_metric("P", {"externalMetricDefinitionId": "em-x"}, LOOKUP)
    assert (unknown["externalMetric"], unknown["nativeMetric"]) == (
        "<unknown external metric em-x>",
        None,
    )
    native = live_profile_metric("P", {"metricDefinitionId": "nat-x"}, LOOKUP)
    assert (native["externalMetric"], native["nativeMetric"]) == (
        None,
        "<unknown metric definition nat-x>",
    )
    # An external metric's profile metric may also carry a metricDefinitionId: it is not native.
    both = {"externalMetricDefinitionId": "em-1", "metricDefinitionId": "nat-aht"}
    assert live_profile_metric("P", both, LOOKUP)["nativeMetric"] is None
    both_unknown = {"externalMetricDefinitionId": "em-1", "metricDefinitionId": "nat-x"}
    assert live_profile_metric("P", both_unknown, LOOKUP)["nativeMetric"] is None


def test_live_zones_are_integers_and_carry_every_key() -> None:
    raw = {
        "label": "Good",
        "zoneType": "Good",
        "directionType": "Up",
        "lowerLimitValue": 0.0,
        "upperLimitValue": 5000.0,
        "lowerLimitPoints": 0,
        "upperLimitPoints": 50.5,
        "id": "server-owned",
    }
    zone = live_zone(raw)
    assert zone == {
        "label": "Good",
        "zoneType": "Good",
        "directionType": "Up",
        "lowerLimitValue": 0,
        "upperLimitValue": 5000,
        "lowerLimitPoints": 0,
        "upperLimitPoints": 50.5,  # not a whole number: left for the planner to show
    }
    assert isinstance(zone["upperLimitValue"], int) and isinstance(zone["lowerLimitValue"], int)
    assert live_zone({}) == dict.fromkeys(
        [
            "label",
            "zoneType",
            "directionType",
            "lowerLimitValue",
            "upperLimitValue",
            "lowerLimitPoints",
            "upperLimitPoints",
        ]
    )


def _zone(lower: int | None, upper: int | None, zone_type: str = "Good", label: str = "Z") -> dict:
    return {
        "label": label,
        "zoneType": zone_type,
        "lowerLimitValue": lower,
        "upperLimitValue": upper,
    }


def test_zones_sort_by_bounds_with_open_bounds_last_then_type_then_label() -> None:
    assert sort_zones([_zone(None, 10), _zone(0, 20)]) == [_zone(0, 20), _zone(None, 10)]
    assert sort_zones([_zone(5, None), _zone(5, 10)]) == [_zone(5, 10), _zone(5, None)]
    assert sort_zones([_zone(10, 20), _zone(2, 30)]) == [_zone(2, 30), _zone(10, 20)]
    same_bounds = [_zone(0, 5, "Target"), _zone(0, 5, "Good")]
    assert sort_zones(same_bounds) == same_bounds[::-1]
    same_type = [_zone(0, 5, label="b"), _zone(0, 5, label="a")]
    assert sort_zones(same_type) == same_type[::-1]


def test_target_shorthand_expands_by_the_external_metrics_objective_type() -> None:
    metric = ProfileMetric.model_validate(
        {"name": "M", "externalMetric": "Revenue", "target": {"value": 300, "points": 50}}
    )
    lower = Lookup(objective_types={"Revenue": ObjectiveType.LOWER_IS_BETTER})
    assert len(desired_profile_metric("P", metric, lower)["zones"]) == 3
    assert len(desired_profile_metric("P", metric, LOOKUP)["zones"]) == 2


def test_a_native_metrics_target_expands_by_its_own_direction() -> None:
    metric = ProfileMetric.model_validate(
        {
            "name": "AHT",
            "nativeMetric": "Average Handle Time",
            "target": {"value": 300, "points": 50, "direction": "LowerIsBetter"},
        }
    )
    zones = desired_profile_metric("P", metric, LOOKUP)["zones"]
    assert {z["directionType"] for z in zones} == {"Down"}
    explicit = ProfileMetric(name="AHT", native_metric="Average Handle Time", zones=ZONES)
    assert desired_profile_metric("P", explicit, LOOKUP)["zones"] == ZONE_DICTS
    undirected = ProfileMetric.model_validate(
        {"name": "AHT", "nativeMetric": "Average Handle Time", "target": {"value": 1, "points": 1}}
    )
    with pytest.raises(ValueError, match="direction"):
        desired_profile_metric("P", undirected, LOOKUP)


def test_unset_precision_and_time_unit_take_the_live_value_set_ones_win() -> None:
    live = {"precision": 2, "timeDisplayUnit": "Minutes", "enabled": True}
    assert manage_only_set_fields({"precision": None, "timeDisplayUnit": None}, live) == {
        "precision": 2,
        "timeDisplayUnit": "Minutes",
    }
    assert manage_only_set_fields({"precision": 4, "timeDisplayUnit": "Hours"}, live) == {
        "precision": 4,
        "timeDisplayUnit": "Hours",
    }
    # Only the fields the desired form has: nothing is added to it.
    assert manage_only_set_fields({"name": "M"}, live) == {"name": "M"}


def test_achievement_live_and_desired_forms_match_with_every_field() -> None:
    trigger = {"metric": "Revenue", "operator": "GTE", "value": 2.5, "sustained_days": 3}
    desired = desired_achievement(wins(trigger=trigger))
    raw = live_wins(
        trigger={
            "metric_id": "em-1",
            "sustained_days": 3,
            "condition": {"operator": "GTE", "value": 2.5},
        }
    )
    assert live_achievement(raw, LOOKUP) == desired
    assert desired == {
        "name": "First win",
        "description": "A first closed deal",
        "type": "ACHIEVEMENT",
        "completion_type": "ONCE",
        "scope_type": "DAILY",
        "trigger": trigger,
        "notifications": {
            "toast": True,
            "email": {"enabled": False, "subject": None, "body": None},
            "push": {
                "enabled": True,
                "title": "Well done",
                "body": "You earned {{achievement.name}}",
                "deep_link": "/wem/achievements",
            },
        },
    }


def test_achievement_live_defaults_and_number_forms() -> None:
    bare = live_achievement({"trigger": {"metric_id": "nat-aht"}}, LOOKUP)
    assert bare == {
        "name": None,
        "description": "",
        "type": "ACHIEVEMENT",
        "completion_type": None,
        "scope_type": None,
        "trigger": {
            "metric": "Average Handle Time",
            "operator": None,
            "value": None,
            "sustained_days": None,
        },
        "notifications": {
            "toast": False,
            "email": {"enabled": False, "subject": None, "body": None},
            "push": {"enabled": False, "title": None, "body": None, "deep_link": None},
        },
    }
    typed = live_wins(type="OTHER", trigger={"metric_id": "x", "condition": {"value": 50}})
    got = live_achievement(typed, LOOKUP)
    assert got["type"] == "OTHER" and got["trigger"]["metric"] == "<unknown metric x>"
    # An integral value is an int on both sides, so a declared 50 prints as 50, not 50.0.
    assert type(got["trigger"]["value"]) is int and got["trigger"]["value"] == 50
    half = live_achievement(live_wins(trigger={"condition": {"value": 50.5}}), LOOKUP)
    assert half["trigger"]["value"] == 50.5
    whole = live_achievement(live_wins(trigger={"condition": {"value": 50.0}}), LOOKUP)
    assert type(whole["trigger"]["value"]) is int
    flag = live_achievement(live_wins(trigger={"condition": {"value": True}}), LOOKUP)
    assert flag["trigger"]["value"] is True
    text = live_achievement(live_wins(trigger={"condition": {"value": "50"}}), LOOKUP)
    assert text["trigger"]["value"] == "50"
    declared = desired_achievement(wins())["trigger"]["value"]
    assert type(declared) is int or not float(declared).is_integer()


def test_profile_metric_address() -> None:
    assert profile_metric_name("Sales floor", "Revenue") == "Sales floor/Revenue"
