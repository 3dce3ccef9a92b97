"""One pass through every endpoint the client has, against a freshly seeded emulator.

Shared by the loopback end-to-end test and the cassette recorder, so the recorded shapes are
exactly the ones the end-to-end test checks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from reconciler.client import GenesysClient

REVENUE = {
    "name": "Daily_Revenue_Closed",
    "unit": "Currency",
    "unitDefinition": "USD",
    "precision": 2,
    "defaultObjectiveType": "HigherIsBetter",
    "enabled": True,
}
ZONES = [
    {
        "label": "Good",
        "directionType": "Up",
        "zoneType": "Good",
        "lowerLimitValue": 0,
        "upperLimitValue": 1000,
        "lowerLimitPoints": 0,
        "upperLimitPoints": 50,
    }
]
ACHIEVEMENT = {
    "name": "First Contact Resolution Master",
    "description": "Awarded for resolving 50 calls on first contact.",
    "type": "ACHIEVEMENT",
    "completion_type": "ONCE",
    "scope_type": "ALL_TIME",
    "trigger": {"metric_id": "metric_fcr_count", "condition": {"operator": "GTE", "value": 50}},
    "notifications": {
        "toast": True,
        "email": {"enabled": True, "subject": "Unlocked: {{achievement.name}}", "body": "b"},
        "push": {"enabled": True, "title": "Achievement Unlocked!", "body": "p"},
    },
}


def run(client: GenesysClient, today: datetime | None = None) -> dict[str, Any]:
    """Exercise every typed method once; return what a test wants to check."""
    day = (today or datetime.now(UTC)).date()
    seen: dict[str, Any] = {}

    # catalogues and directory
    home = client.get_home_division()
    seen["divisions"] = client.list_divisions()
    seen["native"] = client.list_metric_definitions()
    users = client.list_users()
    seen["users"] = users
    seen["users_by_id"] = client.get_users([u["id"] for u in users[:2]])
    units = client.list_business_units()
    seen["time_zones"] = {u["name"]: client.get_business_unit_time_zone(u["id"]) for u in units}
    seen["unit_users"] = {u["name"]: client.list_business_unit_users(u["id"]) for u in units}

    # external metric definitions
    metric = client.create_external_metric(REVENUE)
    spare = client.create_external_metric({**REVENUE, "name": "Spare", "unit": "Number"})
    client.patch_external_metric(metric["id"], {"precision": 0})
    seen["metric"] = client.get_external_metric(metric["id"])

    # profiles and their metrics
    profile = client.create_profile(
        {
            "name": "Sales floor",
            "description": "Sales agents",
            "division": {"id": home["id"]},
            "reportingIntervals": [{"intervalType": "Day", "intervalValue": 30}],
            "active": True,
            "maxLeaderboardRankSize": 25,
        }
    )
    profile_metric = client.create_profile_metric(
        profile["id"],
        {
            "name": "Revenue closed",
            "externalMetricDefinitionId": metric["id"],
            "objective": {"zones": ZONES, "enabled": True},
        },
    )
    client.update_profile_metric(
        profile["id"],
        profile_metric["id"],
        {
            "name": "Revenue closed",
            "externalMetricDefinitionId": metric["id"],
            "objective": {"zones": ZONES, "enabled": False},
        },
    )
    current = client.get_profile(profile["id"])
    client.update_profile(
        profile["id"],
        {
            "name": "Sales floor",
            "description": "Sales agents, renamed",
            "metricOrders": current["metricOrders"],
            "reportingIntervals": current["reportingIntervals"],
            "maxLeaderboardRankSize": 10,
        },
    )
    client.deactivate_profile(profile["id"])
    client.activate_profile(profile["id"])
    seen["profile"] = client.get_profile(profile["id"])
    seen["profiles"] = client.list_profiles()
    seen["profile_metrics"] = client.list_profile_metrics(profile["id"])

    # achievements
    achievement = client.create_achievement(ACHIEVEMENT)
    client.update_achievement(
        achievement["id"],
        {"notifications": {"push": {"enabled": False, "title": "t", "body": "b"}}},
    )
    seen["achievements"] = client.list_achievements()
    client.delete_achievement(achievement["id"])
    seen["achievements_after_delete"] = client.list_achievements()

    # data
    email = next(u["email"] for u in users if u.get("state", "active") == "active")
    seen["write"] = client.write_metric_data(
        [
            {
                "metricId": metric["id"],
                "userEmail": email,
                "dateOccurred": day.isoformat(),
                "value": 1250.5,
            },
            {
                "metricId": metric["id"],
                "userEmail": email,
                "dateOccurred": (day - timedelta(days=60)).isoformat(),
                "value": 1,
            },
        ]
    )
    client.delete_external_metric(spare["id"])
    seen["metrics"] = client.list_external_metrics()
    return seen
