"""The points rule, table by table: every boundary, both directions, open ends and gaps."""

from __future__ import annotations

from fractions import Fraction

import pytest

from reconciler import scoring
from reconciler.manifests.models import ObjectiveType
from reconciler.manifests.objectives import expand
from reconciler.scoring import Band, bands, daily_value, max_points, points


def _shorthand(value: int, pts: int, kind: ObjectiveType) -> tuple[Band, ...]:
    return bands(z.model_dump(by_alias=True, mode="json") for z in expand(value, pts, kind))


REVENUE = _shorthand(10000, 100, ObjectiveType.HIGHER_IS_BETTER)  # "$10,000 earns 100 points"
HANDLE_TIME = _shorthand(300, 50, ObjectiveType.LOWER_IS_BETTER)  # 300 s or less earns 50
ADHERENCE = (  # environments/base/profiles.yaml: explicit zones, closed at 100 %
    Band(0, 80, 0, 0),
    Band(80, 95, 0, 20),
    Band(95, 100, 20, 20),
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (10000, 100),  # the target itself
        (5000, 50),  # half way up the line
        (2500, 25),
        (0, 0),  # the line's lower end
        (9949, 99),  # 99.49 rounds down
        (9950, 100),  # 99.5 rounds up
        (20000, 100),  # open above the target: never more than its points
        (10000.01, 100),
        (-1, 0),  # a refund day: below every zone
        (None, 0),  # no data that day
        (float("inf"), 100),
        (float("-inf"), 0),
        (float("nan"), 0),
    ],
)
def test_higher_is_better_target(value: float | None, expected: int) -> None:
    assert points(value, REVENUE) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 50),
        (300, 50),  # at the target
        (400, 33),  # 33.33
        (450, 25),
        (500, 17),  # 16.67 rounds up
        (600, 0),  # twice the target
        (601, 0),  # out
        (5000, 0),
        (-1, 50),  # past the best end
        (float("inf"), 0),
        (float("-inf"), 50),
    ],
)
def test_lower_is_better_target(value: float, expected: int) -> None:
    assert points(value, HANDLE_TIME) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (79.9, 0),
        (80, 0),
        (87.5, 10),
        (90, 13),  # 13.33
        (95, 20),
        (100, 20),
        (101, 20),  # past the closed top of the best zone: its points, nothing more
        (-0.1, 0),  # below the worst zone
    ],
)
def test_explicit_zones_closed_at_the_top(value: float, expected: int) -> None:
    assert points(value, ADHERENCE) == expected


@pytest.mark.parametrize(
    ("zones", "value", "expected"),
    [
        # A zone's own limits belong to it (a value at the lower or upper limit is inside).
        ((Band(10, 20, 5, 15),), 10, 5),
        ((Band(10, 20, 15, 5),), 20, 5),
        ((Band(10, 20, 15, 5),), 21, 0),  # past the worse end
        ((Band(10, 20, 15, 5),), 9, 15),  # past the better end
        ((Band(10, 20, 5, 15),), 9, 0),
        ((Band(10, 20, 5, 15),), 21, 15),
        # A shared limit scores the better of the two zones when they do not meet.
        ((Band(0, 10, 0, 10), Band(10, 20, 30, 40)), 10, 30),
        ((Band(10, 20, 30, 40), Band(0, 10, 0, 10)), 10, 30),
        # A gap between zones scores nothing.
        ((Band(0, 10, 0, 10), Band(20, 30, 20, 30)), 15, 0),
        # An open-ended zone scores its top points over its whole range.
        ((Band(100, None, 20, 50),), 100, 50),
        ((Band(100, None, 50, 20),), 1000, 50),
        ((Band(0, 100, 0, 20), Band(100, None, 20, 50)), 99, 20),
        # A table with an open end has nothing beyond its top.
        ((Band(0, 100, 0, 20), Band(200, None, 50, 50)), 150, 0),
        # A zone of one value has no slope: its top points.
        ((Band(5, 5, 3, 7),), 5, 7),
        # Lower limits above zero and lines that do not start at 0 points.
        ((Band(100, 200, 40, 60),), 150, 50),
        ((Band(100, 200, 40, 60),), 125, 45),
        ((Band(-100, 100, -10, 10),), 0, 0),
        ((Band(-100, 100, -10, 10),), -50, -5),
        ((), 10, 0),  # a metric without zones
        # Infinities lie past the ends of the table.
        ((Band(10, 20, 15, 5),), float("inf"), 0),
        ((Band(10, 20, 15, 5),), float("-inf"), 15),
    ],
)
def test_zone_rules(zones: tuple[Band, ...], value: float, expected: int) -> None:
    assert points(value, zones) == expected


@pytest.mark.parametrize(
    ("zone", "value", "expected"),
    [
        (Band(0, 4, 0, 2), 1, 1),  # 0.5 rounds up (Python's round() would give 0)
        (Band(0, 4, 0, 2), 3, 2),  # 1.5
        (Band(0, 2, 0, 5), 1, 3),  # 2.5 rounds up (round() would give 2)
        (Band(0, 4, 0, -2), 1, 0),  # -0.5 rounds up, toward +infinity
        (Band(0, 4, 0, -2), 3, -1),  # -1.5
        (Band(0, 3, 0, 1), 1, 0),  # 0.33
        (Band(0, 3, 0, 1), 2, 1),  # 0.67
    ],
)
def test_rounding_is_half_up(zone: Band, value: float, expected: int) -> None:
    assert points(value, (zone,)) == expected


def test_a_float_value_scores_as_the_decimal_it_prints_as() -> None:
    # The binary float 0.3 is a hair below 3/10: taken literally it would give 4.4999... -> 4.
    assert points(0.3, (Band(0, 1, 0, 15),)) == 5
    assert points(Fraction(3, 10), (Band(0, 1, 0, 15),)) == 5
    assert points(0.3, (Band(0.0, 1.0, 0, 15),)) == 5
    assert daily_value(0.3, 3) == 0.1


@pytest.mark.parametrize(
    ("zones", "expected"),
    [
        (REVENUE, 100),
        (HANDLE_TIME, 50),
        (ADHERENCE, 20),
        ((Band(0, 10, 30, 5),), 30),  # a falling zone's top is its lower points
        ((Band(0, 10, -5, -1),), -1),
        ((), 0),
    ],
)
def test_max_points(zones: tuple[Band, ...], expected: int) -> None:
    assert max_points(zones) == expected


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [
        (15400.50, 3, 5133.5),  # revenue per deal, not per day
        (10000, 1, 10000.0),
        (0, 1, 0.0),
        (7, 2, 3.5),
        (5, 0, None),  # a count of 0 is no data point at all
        (5, -1, None),
    ],
)
def test_daily_value_is_total_over_count(total: float, count: int, expected: float | None) -> None:
    assert daily_value(total, count) == expected


def test_bands_from_api_zones() -> None:
    zone = {
        "label": "Good",
        "directionType": "Down",
        "zoneType": "Good",
        "lowerLimitValue": 300,
        "upperLimitValue": 600,
        "lowerLimitPoints": 50,
        "upperLimitPoints": 0,
    }
    assert bands([zone]) == (Band(300, 600, 50, 0),)
    # The API leaves out a limit that is not set: an open upper end, a lower end at 0.
    assert Band.from_api({"upperLimitPoints": 10, "lowerLimitPoints": 0}) == Band(0, None, 0, 10)
    assert points(450, bands([zone])) == 25


def test_a_non_finite_daily_value_is_kept_not_taken_for_no_data() -> None:
    assert daily_value(float("inf"), 2) == float("inf")
    assert daily_value(float("-inf"), 3) == float("-inf")


def test_infinity_past_a_top_zone_that_falls_scores_nothing() -> None:
    # The best points (100) sit at 100; the top zone falls to 20 at 200. Past 200 no zone holds
    # the value and the top end is not the best end, so it earns 0 - not the 20 at the limit.
    peak = (Band(0, 100, 0, 100), Band(100, 200, 100, 20))
    assert points(float("inf"), peak) == 0
    assert points(float("-inf"), peak) == 0
    assert points(200, peak) == 20
    # Likewise below the bottom when the bottom end is not the best end.
    rising = (Band(0, 100, 30, 100),)
    assert points(float("-inf"), rising) == 0 and points(0, rising) == 30


def test_the_public_names_are_exactly_the_engine() -> None:
    assert sorted(scoring.__all__) == ["Band", "bands", "daily_value", "max_points", "points"]
    assert all(callable(getattr(scoring, name)) for name in scoring.__all__)
