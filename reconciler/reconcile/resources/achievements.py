"""Achievements with their toast / email / push notifications.

Normal form and payload follow the WEM achievements API as documented for
`/api/v2/wem/achievements` (snake_case fields; the trigger metric by name in manifests, by id in
the API). That path is not part of Genesys's published API, so the environment can configure it
(`achievements_path`). API: `GenesysClient.list_achievements`, `create_achievement` (POST),
`update_achievement` (a merge PATCH) and `delete_achievement`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...manifests.models import (
    Achievement,
)
from ..normalize import JSON, Lookup, Normalized, as_number, without_none


def desired_achievement(achievement: Achievement) -> Normalized:
    data = achievement.model_dump(mode="json")
    data["trigger"]["value"] = as_number(data["trigger"]["value"])
    return data


def live_achievement(raw: Mapping[str, Any], lookup: Lookup) -> Normalized:
    trigger = raw.get("trigger") or {}
    condition = trigger.get("condition") or {}
    metric_id = str(trigger.get("metric_id"))
    metric = (
        lookup.external_metric_names.get(metric_id)
        or lookup.native_metric_names.get(metric_id)
        or f"<unknown metric {metric_id}>"
    )
    notifications = raw.get("notifications") or {}
    email = notifications.get("email") or {}
    push = notifications.get("push") or {}
    return {
        "name": raw.get("name"),
        "description": raw.get("description") or "",
        "type": raw.get("type", "ACHIEVEMENT"),
        "completion_type": raw.get("completion_type"),
        "scope_type": raw.get("scope_type"),
        "trigger": {
            "metric": metric,
            "operator": condition.get("operator"),
            "value": as_number(condition.get("value")),
            "sustained_days": trigger.get("sustained_days"),
        },
        "notifications": {
            "toast": bool(notifications.get("toast", False)),
            "email": {
                "enabled": bool(email.get("enabled", False)),
                "subject": email.get("subject"),
                "body": email.get("body"),
            },
            "push": {
                "enabled": bool(push.get("enabled", False)),
                "title": push.get("title"),
                "body": push.get("body"),
                "deep_link": push.get("deep_link"),
            },
        },
    }


def achievement_body(desired: Mapping[str, Any], metric_id: str, *, for_patch: bool) -> JSON:
    """Seed 001's payload. PATCH is a merge patch: nulls are sent so cleared fields clear."""
    trigger = desired["trigger"]
    body: JSON = {
        "name": desired["name"],
        "description": desired.get("description") or "",
        "type": desired["type"],
        "completion_type": desired["completion_type"],
        "scope_type": desired["scope_type"],
        "trigger": {
            "metric_id": metric_id,
            "condition": {"operator": trigger["operator"], "value": trigger["value"]},
            "sustained_days": trigger.get("sustained_days"),
        },
        "notifications": desired["notifications"],
    }
    return body if for_patch else without_none(body)
