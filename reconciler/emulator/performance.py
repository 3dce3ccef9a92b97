"""What an agent scores: metric values per user and day, and their points by the scoring rule.

Native metrics (handle time, quality …) have no data source in the emulator, so each (metric
definition, user, day) gets a deterministic value from a hash: the same org shows the same
scorecard every run, and different agents and days differ. Values exist for today (the
emulator's clock) and earlier days only. External metrics score the data pushed to them:
total value / total count of the day's point, no point no value.

Membership is not dated here: every workday scores under the profile the user is in now.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from ..scoring import Band, daily_value, max_points, points
from .state import JsonObject, OrgState

# Plausible daily ranges (low, high, decimals), by native metric name.
NATIVE_RANGES: dict[str, tuple[float, float, int]] = {
    "Average Handle Time": (180, 600, 0),  # seconds
    "First Contact Resolution": (55, 95, 1),  # percent
    "Average Talk Time": (120, 480, 0),
    "Average After Call Work Time": (15, 120, 0),
    "Quality Evaluation Score": (60, 100, 1),
    "Adherence": (75, 100, 1),
    "Conformance": (85, 110, 1),
    "Number of Interactions": (10, 60, 0),
}
DEFAULT_RANGE = (0.0, 100.0, 1)


def native_value(definition: JsonObject, user_id: str, day: date) -> float:
    """The deterministic value of a native metric for one user on one day."""
    low, high, decimals = NATIVE_RANGES.get(str(definition.get("name")), DEFAULT_RANGE)
    digest = hashlib.sha256(f"{definition['id']}|{user_id}|{day.isoformat()}".encode()).digest()
    share = int.from_bytes(digest[:8], "big") / 2**64
    return round(low + share * (high - low), decimals)


@dataclass(frozen=True)
class Score:
    value: float | None
    points: int
    max_points: int


def metric_value(
    state: OrgState, metric: JsonObject, user_id: str, day: date, today: date
) -> float | None:
    """A profile metric's value for ``user_id`` on ``day``; None when there is no data."""
    external_id = metric.get("externalMetricDefinitionId")
    if external_id is not None:
        point = state.data_points.get(f"{external_id}|{user_id}|{day.isoformat()}")
        return None if point is None else daily_value(point["value"], int(point["count"]))
    definition = state.kind("metricDefinitions").get(str(metric.get("metricDefinitionId")))
    if definition is None or day > today:
        return None
    return native_value(definition, user_id, day)


@dataclass(frozen=True)
class Scored:
    """A metric as it scores on one workday: the objective then in effect and its zones."""

    metric: JsonObject
    objective: JsonObject
    zones: tuple[Band, ...]

    def score(self, state: OrgState, user_id: str, day: date, today: date) -> Score:
        value = metric_value(state, self.metric, user_id, day, today)
        return Score(value, points(value, self.zones), max_points(self.zones))


def profile_of(state: OrgState, user: JsonObject) -> JsonObject:
    """The user's custom profile, else the org's default profile."""
    profiles = state.kind("profiles")
    held = profiles.get(str(user.get("_profileId", "")))
    if held is not None:
        return held
    return next(p for p in profiles.values() if p.get("_default"))


def members_of(state: OrgState, profile: JsonObject) -> list[JsonObject]:
    """Users scored under ``profile``: its members (the default profile: everyone else)."""
    users = state.kind("users").values()
    if profile.get("_default"):
        return [u for u in users if u.get("state") == "active" and profile_of(state, u) is profile]
    return [u for u in users if u.get("_profileId") == profile["id"]]
