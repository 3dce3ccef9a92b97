"""How Genesys turns a metric's value into points: objective zones, a straight line, an integer.

Each objective zone spans ``lowerLimitValue .. upperLimitValue`` (no upper limit: open-ended)
and awards ``lowerLimitPoints`` at its lower limit and ``upperLimitPoints`` at its upper limit,
on a straight line in between. The zone's points already say which way it runs: a "lower is
better" zone (``directionType: Down``) falls from its lower to its upper points. So:

- a value inside a zone scores on that zone's line; a value on the limit two zones share scores
  the better of the two (the same number when the zones meet, as the target shorthand's do);
- an open-ended zone has no line to run along and scores its top points over its whole range;
- a value beyond the end of the table where the best points are scores those points (nothing
  past the best zone earns more); a value beyond the other end, or in a gap between zones,
  scores 0;
- points are rounded half up to an integer (Genesys documents that they are rounded, not how;
  half up is what Java's ``Math.round`` does);
- a metric's maximum is its best zone's top points.

An external metric's value for a day is its total value divided by its total count: a day
pushed as 15,400.50 with count 3 shows 5,133.50, and that average is what scores.

Pure arithmetic on exact fractions of the values as written (a float is taken as the decimal it
prints as), so 0.3 on a 0..1 line to 15 points is exactly 4.5 and rounds to 5, where float
arithmetic on 0.3's binary value would land just below.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

__all__ = ["Band", "bands", "daily_value", "max_points", "points"]

Number = int | float | Fraction


@dataclass(frozen=True)
class Band:
    """One objective zone as the scoring rule needs it (``upper_value`` None: open-ended)."""

    lower_value: Number
    upper_value: Number | None
    lower_points: int
    upper_points: int

    @classmethod
    def from_api(cls, zone: Mapping[str, Any]) -> Band:
        """A zone in the API's camelCase JSON (``ObjectiveZone``); a missing lower limit is 0."""
        return cls(
            lower_value=zone.get("lowerLimitValue") or 0,
            upper_value=zone.get("upperLimitValue"),
            lower_points=int(zone.get("lowerLimitPoints") or 0),
            upper_points=int(zone.get("upperLimitPoints") or 0),
        )

    @property
    def top(self) -> int:
        return max(self.lower_points, self.upper_points)

    # Exact limits, computed once: a leaderboard scores the same zones many thousand times.
    @cached_property
    def low(self) -> Fraction:
        return _exact(self.lower_value)

    @cached_property
    def high(self) -> Fraction | None:
        return None if self.upper_value is None else _exact(self.upper_value)

    def contains(self, value: Fraction) -> bool:
        if value < self.low:
            return False
        return self.high is None or value <= self.high

    def line(self, value: Fraction) -> Fraction:
        """Points on this zone's straight line at ``value`` (which the zone contains)."""
        low, high = self.low, self.high
        if high is None:
            return Fraction(self.top)
        if high == low:  # a zone of one value: no slope to follow
            return Fraction(self.top)
        share = (value - low) / (high - low)
        return self.lower_points + share * (self.upper_points - self.lower_points)


def bands(zones: Iterable[Mapping[str, Any]]) -> tuple[Band, ...]:
    """API zones (``objective.zones``) as bands."""
    return tuple(Band.from_api(zone) for zone in zones)


def max_points(zones: Sequence[Band]) -> int:
    """The best zone's top points; 0 for a metric without zones."""
    return max((band.top for band in zones), default=0)


def _exact(value: Number) -> Fraction:
    # str() of a float is the shortest decimal that reads back as it: the value the user sent.
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def _round_half_up(exact: Fraction) -> int:
    return math.floor(exact + Fraction(1, 2))


def _beyond_the_table(value: Fraction, zones: Sequence[Band]) -> Fraction:
    """Points for a value no zone contains: the best points past the best end, else 0."""
    best = max_points(zones)
    lowest = min(zones, key=lambda band: band.low)
    if value < lowest.low:
        return Fraction(best if lowest.lower_points == best else 0)
    highs = [(band.high, band) for band in zones if band.high is not None]
    if len(highs) == len(zones):  # with an open-ended zone nothing lies beyond the top
        top, highest = max(highs, key=lambda pair: pair[0])
        if value > top:
            return Fraction(best if highest.upper_points == best else 0)
    return Fraction(0)  # a gap between zones


def points(value: Number | None, zones: Sequence[Band]) -> int:
    """The points ``value`` earns under ``zones``; no value (no data) and no zones earn 0."""
    if value is None or not zones or (isinstance(value, float) and math.isnan(value)):
        return 0
    if isinstance(value, float) and math.isinf(value):
        # Beyond every limit, on the side of its sign.
        limits = [b.low for b in zones] + [b.high for b in zones if b.high is not None]
        value = max(limits) + 1 if value > 0 else min(limits) - 1
    exact = _exact(value)
    inside = [band.line(exact) for band in zones if band.contains(exact)]
    earned = max(inside) if inside else _beyond_the_table(exact, zones)
    return _round_half_up(earned)


def daily_value(total_value: Number, total_count: int) -> float | None:
    """An external metric's value for a day: total value / total count (None: no data)."""
    if total_count <= 0:
        return None
    if isinstance(total_value, float) and not math.isfinite(total_value):
        return total_value / total_count
    return float(_exact(total_value) / total_count)
