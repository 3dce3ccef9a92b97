"""The target shorthand expands to the integer zones the API stores, deterministically."""

from __future__ import annotations

import pytest

from reconciler.manifests.models import DirectionType, ObjectiveType, ProfileMetric, Zone, ZoneType
from reconciler.manifests.objectives import zones_for


def _metric(**target: object) -> ProfileMetric:
    return ProfileMetric.model_validate({"name": "m", "externalMetric": "x", "target": target})


def test_higher_is_better_seed_000_ten_thousand_earns_one_hundred() -> None:
    zones = zones_for(_metric(value=10000, points=100), ObjectiveType.HIGHER_IS_BETTER)
    assert [
        (
            z.label,
            z.zone_type,
            z.direction_type,
            z.lower_limit_value,
            z.upper_limit_value,
            z.lower_limit_points,
            z.upper_limit_points,
        )
        for z in zones
    ] == [
        ("Below target", ZoneType.GOOD, DirectionType.UP, 0, 10000, 0, 100),
        ("Target", ZoneType.TARGET, DirectionType.UP, 10000, None, 100, 100),
    ]


def test_lower_is_better() -> None:
    zones = zones_for(_metric(value=300, points=50), ObjectiveType.LOWER_IS_BETTER)
    assert [
        (
            z.label,
            z.zone_type,
            z.lower_limit_value,
            z.upper_limit_value,
            z.lower_limit_points,
            z.upper_limit_points,
        )
        for z in zones
    ] == [
        ("Target", ZoneType.TARGET, 0, 300, 50, 50),
        ("Above target", ZoneType.GOOD, 300, 600, 50, 0),
        ("Out", ZoneType.OUT, 600, None, 0, 0),
    ]
    assert {z.direction_type for z in zones} == {DirectionType.DOWN}


def test_the_targets_direction_wins_over_the_metric_default() -> None:
    metric = _metric(value=300, points=50, direction="LowerIsBetter")
    assert zones_for(metric, ObjectiveType.HIGHER_IS_BETTER) == zones_for(
        metric, ObjectiveType.LOWER_IS_BETTER
    )
    assert zones_for(metric, None)[0].direction_type is DirectionType.DOWN


def test_deterministic_and_integer() -> None:
    first = zones_for(_metric(value=7, points=3), ObjectiveType.HIGHER_IS_BETTER)
    assert first == zones_for(_metric(value=7, points=3), ObjectiveType.HIGHER_IS_BETTER)
    for zone in first:
        for value in zone.model_dump().values():
            assert not isinstance(value, float)


def test_explicit_zones_are_returned_as_declared() -> None:
    zone = Zone(
        label="G",
        zone_type=ZoneType.GREAT,
        direction_type=DirectionType.FLAT,
        lower_limit_points=1,
        upper_limit_points=1,
    )
    metric = ProfileMetric(name="m", native_metric="Adherence", zones=(zone,))
    assert zones_for(metric, None) == (zone,)


def test_shorthand_that_cannot_expand_raises() -> None:
    with pytest.raises(ValueError, match="direction"):
        zones_for(_metric(value=1, points=1), None)
    with pytest.raises(ValueError, match="TargetArea"):
        zones_for(_metric(value=1, points=1), ObjectiveType.TARGET_AREA)
