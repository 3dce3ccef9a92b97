"""Gamification profiles (their metrics are objects of their own: `profile_metrics`).

Normal form: names instead of ids (the division by name, the home division when unset),
reporting intervals sorted. API: `GenesysClient.list_profiles`, `create_profile` (POST with
copyMetrics=false, created inactive), `update_profile` (a full PUT), `activate_profile` and
`deactivate_profile`. Genesys has no DELETE for profiles.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...manifests.models import (
    Profile,
)
from ..normalize import JSON, Lookup, Normalized, sorted_intervals


def desired_profile(profile: Profile, lookup: Lookup) -> Normalized:
    """The profile without its metrics (those are objects of their own in the plan)."""
    return {
        "name": profile.name,
        "description": profile.description,
        "division": profile.division or lookup.home_division,
        "reportingIntervals": sorted_intervals(
            [i.model_dump(mode="json", by_alias=True) for i in profile.reporting_intervals]
        ),
        "maxLeaderboardRankSize": profile.max_leaderboard_rank_size,
        "active": profile.active,
    }


def live_profile(raw: Mapping[str, Any], lookup: Lookup) -> Normalized:
    division = raw.get("division") or {}
    division_id = division.get("id")
    division_name = division.get("name") or lookup.division_names.get(str(division_id))
    if division_name is None and division_id:
        division_name = f"<division {division_id}>"  # so a plan says which one
    return {
        "name": raw.get("name"),
        "description": raw.get("description") or "",
        "division": division_name,
        "reportingIntervals": sorted_intervals(raw.get("reportingIntervals")),
        "maxLeaderboardRankSize": raw.get("maxLeaderboardRankSize"),
        "active": bool(raw.get("active", False)),
    }


def profile_create_body(desired: Mapping[str, Any], division_id: str) -> JSON:
    # Created inactive: activation is its own step, after the profile's metrics exist.
    return {
        "name": desired["name"],
        "description": desired.get("description") or "",
        "division": {"id": division_id},
        "reportingIntervals": list(desired.get("reportingIntervals") or []),
        "active": False,
        "maxLeaderboardRankSize": desired["maxLeaderboardRankSize"],
    }


def profile_put_body(desired: Mapping[str, Any], live_raw: Mapping[str, Any]) -> JSON:
    # PUT is a full replace; metricOrders must list the profile's metrics as they are now.
    return {
        "name": desired["name"],
        "description": desired.get("description") or "",
        "metricOrders": list(live_raw.get("metricOrders") or []),
        "reportingIntervals": list(desired.get("reportingIntervals") or []),
        "maxLeaderboardRankSize": desired["maxLeaderboardRankSize"],
    }
