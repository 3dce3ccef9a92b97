"""Builders for manifests and live JSON, shared by the pure planner/render tests.

Live JSON is written the way Genesys returns it (ids, selfUri, server-owned fields), so the
tests exercise normalisation as well as the diff.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reconciler.manifests.environment import Environment, Policy, Target
from reconciler.manifests.manifest import Manifest
from reconciler.manifests.models import (
    Achievement,
    ExternalMetric,
    Profile,
    ProfileMetric,
    Resources,
    Zone,
)
from reconciler.reconcile.live import LiveState

HOME = {"id": "div-home", "name": "Home", "selfUri": "/api/v2/authorization/divisions/div-home"}
OTHER = {"id": "div-sales", "name": "Sales"}
NATIVE = [
    {"id": "nat-aht", "name": "Average Handle Time", "unitType": "Seconds"},
    {"id": "nat-fcr", "name": "First Contact Resolution", "unitType": "Percent"},
]

ZONES = (
    Zone(
        label="Good",
        zone_type="Good",
        direction_type="Up",
        lower_limit_value=0,
        upper_limit_value=5000,
        lower_limit_points=0,
        upper_limit_points=50,
    ),
    Zone(
        label="Target",
        zone_type="Target",
        direction_type="Up",
        lower_limit_value=5000,
        upper_limit_value=10000,
        lower_limit_points=50,
        upper_limit_points=100,
    ),
)


def manifest(
    *,
    external_metrics: tuple[ExternalMetric, ...] = (),
    profiles: tuple[Profile, ...] = (),
    achievements: tuple[Achievement, ...] = (),
    allow_removals: bool = False,
    protected: tuple[str, ...] = (),
    name: str = "dev",
) -> Manifest:
    return Manifest(
        name=name,
        root=Path("."),
        environment=Environment(
            target=Target(base_url="http://127.0.0.1:9"),
            policy=Policy(allow_removals=allow_removals, protected=protected),
        ),
        resources=Resources(
            external_metrics=external_metrics, profiles=profiles, achievements=achievements
        ),
        sources={("externalMetric", "Revenue"): "environments/dev/metrics.yaml:3"},
    )


def revenue(**changes: Any) -> ExternalMetric:
    fields: dict[str, Any] = {
        "name": "Revenue",
        "unit": "Currency",
        "unit_definition": "USD",
        "precision": 2,
        "default_objective_type": "HigherIsBetter",
    }
    fields.update(changes)
    return ExternalMetric(**fields)


def live_revenue(id: str = "em-1", **changes: Any) -> dict[str, Any]:
    raw = {
        "id": id,
        "name": "Revenue",
        "unit": "Currency",
        "unitDefinition": "USD",
        "precision": 2,
        "defaultObjectiveType": "HigherIsBetter",
        "retentionMonths": 13,
        "enabled": True,
        "inUse": False,
        "dateLastRefreshed": "2026-11-29T06:00:00Z",
        "selfUri": f"/api/v2/employeeperformance/externalmetrics/definitions/{id}",
    }
    raw.update(changes)
    return raw


def revenue_metric(**changes: Any) -> ProfileMetric:
    fields: dict[str, Any] = {"name": "Revenue", "external_metric": "Revenue", "zones": ZONES}
    fields.update(changes)
    return ProfileMetric(**fields)


def sales(*metrics: ProfileMetric, **changes: Any) -> Profile:
    fields: dict[str, Any] = {
        "name": "Sales floor",
        "description": "Sales agents",
        "metrics": metrics or (revenue_metric(),),
    }
    fields.update(changes)
    return Profile(**fields)


def live_sales(id: str = "pr-1", **changes: Any) -> dict[str, Any]:
    raw = {
        "id": id,
        "name": "Sales floor",
        "division": HOME,
        "description": "Sales agents",
        "metricOrders": ["pm-1"],
        "dateCreated": "2026-11-01T10:00:00Z",
        "reportingIntervals": [{"intervalType": "Day", "intervalValue": 30}],
        "active": True,
        "memberCount": 12,
        "maxLeaderboardRankSize": 25,
        "selfUri": f"/api/v2/gamification/profiles/{id}",
    }
    raw.update(changes)
    return raw


def live_zone(zone: Zone) -> dict[str, Any]:
    return zone.model_dump(mode="json", by_alias=True)


def live_revenue_metric(
    id: str = "pm-1", external_id: str = "em-1", **changes: Any
) -> dict[str, Any]:
    raw = {
        "id": id,
        "name": "Revenue",
        "externalMetricDefinitionId": external_id,
        "performanceProfileId": "pr-1",
        "precision": 2,
        "timeDisplayUnit": "None",
        "dateCreated": "2026-11-01T10:00:00Z",
        "objective": {
            "id": "obj-1",
            "templateId": "tpl",
            "enabled": True,
            "dateStart": "2026-11-01",
            # The API does not promise the zones come back in the order they were sent.
            "zones": [live_zone(z) for z in reversed(ZONES)],
        },
        "selfUri": f"/api/v2/gamification/profiles/pr-1/metrics/{id}",
    }
    raw.update(changes)
    return raw


def wins(**changes: Any) -> Achievement:
    fields: dict[str, Any] = {
        "name": "First win",
        "description": "A first closed deal",
        "completion_type": "ONCE",
        "scope_type": "DAILY",
        "trigger": {"metric": "Revenue", "operator": "GTE", "value": 1},
        "notifications": {
            "toast": True,
            "email": {"enabled": False},
            "push": {
                "enabled": True,
                "title": "Well done",
                "body": "You earned {{achievement.name}}",
                "deep_link": "/wem/achievements",
            },
        },
    }
    fields.update(changes)
    return Achievement(**fields)


def live_wins(id: str = "ach-1", metric_id: str = "em-1", **changes: Any) -> dict[str, Any]:
    raw = {
        "id": id,
        "name": "First win",
        "description": "A first closed deal",
        "type": "ACHIEVEMENT",
        "completion_type": "ONCE",
        "scope_type": "DAILY",
        "trigger": {"metric_id": metric_id, "condition": {"operator": "GTE", "value": 1}},
        "notifications": {
            "toast": True,
            "email": {"enabled": False},
            "push": {
                "enabled": True,
                "title": "Well done",
                "body": "You earned {{achievement.name}}",
                "deep_link": "/wem/achievements",
            },
        },
    }
    raw.update(changes)
    return raw


def live(
    external_metrics: list[dict[str, Any]] | None = None,
    profiles: list[dict[str, Any]] | None = None,
    metrics: dict[str, list[dict[str, Any]]] | None = None,
    achievements: list[dict[str, Any]] | None = None,
) -> LiveState:
    return LiveState(
        external_metrics=external_metrics,
        profiles=profiles,
        profile_metrics=metrics or {},
        metric_definitions=list(NATIVE),
        divisions=[HOME, OTHER],
        home_division=HOME,
        achievements=achievements,
    )
