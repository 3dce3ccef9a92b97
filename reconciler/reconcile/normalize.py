"""One comparable form per object, built from the manifest (desired) or from Genesys JSON (live).

The planner diffs these dicts, so both sides must agree exactly: manifest field names (camelCase
for external metrics and profiles, snake_case for achievements), names instead of
ids, server-owned fields (`id`, `selfUri`, `inUse`, `dateLastRefreshed`, `memberCount`, ...)
dropped, defaults written out, and order-insensitive lists (zones, reporting intervals) sorted.
The invariant this module exists for: apply, then plan again -> every object compares equal.

Each kind's own normal form lives with its payloads in `resources/`; this module holds what they
share: the per-org name lookup and the value helpers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..manifests.models import (
    IntervalType,
    ObjectiveType,
)

Normalized = dict[str, Any]
#: A Genesys JSON object, as the client returns it and as payloads are sent.
JSON = dict[str, Any]


_INTERVAL_ORDER = {kind.value: index for index, kind in enumerate(IntervalType)}


@dataclass(frozen=True)
class Lookup:
    """Per-org id <-> name maps the normal forms need (built by `live.LiveState.lookup`).

    `objective_types` maps an external metric's name to its objective type (the manifest's value
    when declared, else the live one): the target shorthand expands differently per type.
    """

    external_metric_names: Mapping[str, str] = field(default_factory=dict)  # id -> name
    native_metric_names: Mapping[str, str] = field(default_factory=dict)  # id -> name
    division_names: Mapping[str, str] = field(default_factory=dict)  # id -> name
    home_division: str | None = None
    objective_types: Mapping[str, ObjectiveType] = field(default_factory=dict)


# --- small value helpers -----------------------------------------------------------------------


def as_int(value: Any) -> Any:
    """Genesys stores zone values as int32; JSON may still carry `100.0`."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def as_number(value: Any) -> Any:
    """Trigger values: `50` and `50.0` must compare equal, and print as declared (`50`).

    An integral value is an int on both sides (the API answers `50.0` for a declared 50).
    """
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _zone_key(zone: Normalized) -> tuple[Any, ...]:
    def bound(value: Any) -> tuple[int, float]:
        return (1, 0.0) if value is None else (0, float(value))

    return (
        bound(zone.get("lowerLimitValue")),
        bound(zone.get("upperLimitValue")),
        str(zone.get("zoneType")),
        str(zone.get("label")),
    )


def sort_zones(zones: list[Normalized]) -> list[Normalized]:
    """Zones are a set of value ranges; order carries no meaning, so compare them sorted."""
    return sorted(zones, key=_zone_key)


def sorted_intervals(intervals: Any) -> list[Normalized]:
    items = [
        {
            "intervalType": str(i.get("intervalType")),
            "intervalValue": as_int(i.get("intervalValue")),
        }
        for i in (intervals or [])
        if isinstance(i, Mapping)
    ]
    return sorted(
        items, key=lambda i: (_INTERVAL_ORDER.get(i["intervalType"], 99), i["intervalValue"])
    )


# --- external metrics ----------------------------------------------------------------------------


# --- profiles -------------------------------------------------------------------------------------


# --- profile metrics ------------------------------------------------------------------------------


# --- achievements (seed 001 payload) -------------------------------------------------------------


def without_none(data: Mapping[str, Any]) -> JSON:
    return {
        key: without_none(value) if isinstance(value, Mapping) else value
        for key, value in data.items()
        if value is not None
    }
