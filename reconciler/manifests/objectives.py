"""The target shorthand (`target: {value, points}`, seed 000) as the objective zones the API stores.

Genesys scores a metric through objective zones: each zone spans a value range and awards points
on a straight line from its lower to its upper points (genesys-api.md §3.3). Values and points are
int32. The shorthand expands deterministically (the planner compares the result with live zones,
so the same manifest must always give exactly the same zones):

HigherIsBetter, `{value: V, points: P}` ("$10,000 earns 100 points"):

    label        zoneType  direction  values        points
    Below target Good      Up         0 .. V        0 .. P   (partial credit on the way up)
    Target       Target    Up         V .. (open)   P .. P   (at or above V earns P)

LowerIsBetter, `{value: V, points: P}` ("an AHT of 300 s or less earns 50 points"):

    label        zoneType  direction  values        points
    Target       Target    Down       0 .. V        P .. P   (at or below V earns P)
    Above target Good      Down       V .. 2V       P .. 0   (fewer points up to twice the target)
    Out          Out       Down       2V .. (open)  0 .. 0

TargetArea metrics need a band, which a single value cannot express: declare `zones:` for them.
The objective type is the target's `direction` if set, else the external metric's
`defaultObjectiveType`; a native metric's shorthand must state `direction` (lint RC003).
"""

from __future__ import annotations

from .models import DirectionType, ObjectiveType, ProfileMetric, Target, Zone, ZoneType


def zones_for(metric: ProfileMetric, objective_type: ObjectiveType | None) -> tuple[Zone, ...]:
    """The zones for `metric`: its explicit `zones`, or the expansion of its `target`.

    `objective_type` is the default objective type of the external metric it measures (None for
    a native metric). Raises ValueError when the shorthand cannot be expanded — validation
    reports that case first, so a loaded manifest never reaches it.
    """
    if metric.zones is not None:
        return metric.zones
    if metric.target is None:  # the model guarantees one of the two
        raise ValueError(f"metric {metric.name!r} has neither target nor zones")
    kind = resolved_objective_type(metric.target, objective_type)
    if kind is None:
        raise ValueError(
            f"metric {metric.name!r}: target needs a direction (HigherIsBetter/LowerIsBetter)"
        )
    if kind is ObjectiveType.TARGET_AREA:
        raise ValueError(f"metric {metric.name!r}: a TargetArea objective needs explicit zones")
    return expand(metric.target.value, metric.target.points, kind)


def resolved_objective_type(target: Target, default: ObjectiveType | None) -> ObjectiveType | None:
    """The direction the shorthand scores in: the target's own, else the metric's default."""
    if target.direction is not None:
        return ObjectiveType(target.direction)
    return default


def expand(value: int, points: int, kind: ObjectiveType) -> tuple[Zone, ...]:
    """The zone table of the module docstring for one value/points pair."""
    if kind is ObjectiveType.HIGHER_IS_BETTER:
        return (
            Zone(
                label="Below target",
                zone_type=ZoneType.GOOD,
                direction_type=DirectionType.UP,
                lower_limit_value=0,
                upper_limit_value=value,
                lower_limit_points=0,
                upper_limit_points=points,
            ),
            Zone(
                label="Target",
                zone_type=ZoneType.TARGET,
                direction_type=DirectionType.UP,
                lower_limit_value=value,
                upper_limit_value=None,
                lower_limit_points=points,
                upper_limit_points=points,
            ),
        )
    if kind is ObjectiveType.LOWER_IS_BETTER:
        return (
            Zone(
                label="Target",
                zone_type=ZoneType.TARGET,
                direction_type=DirectionType.DOWN,
                lower_limit_value=0,
                upper_limit_value=value,
                lower_limit_points=points,
                upper_limit_points=points,
            ),
            Zone(
                label="Above target",
                zone_type=ZoneType.GOOD,
                direction_type=DirectionType.DOWN,
                lower_limit_value=value,
                upper_limit_value=2 * value,
                lower_limit_points=points,
                upper_limit_points=0,
            ),
            Zone(
                label="Out",
                zone_type=ZoneType.OUT,
                direction_type=DirectionType.DOWN,
                lower_limit_value=2 * value,
                upper_limit_value=None,
                lower_limit_points=0,
                upper_limit_points=0,
            ),
        )
    raise ValueError("a TargetArea objective needs explicit zones")
