"""From rows to points to the changes a push must send: the pure half of the push.

`collect` streams rows into daily points (agent -> user -> local day -> API window), keeping
every reason a row was not used. `diff` compares the points with the ledger.

Which days the input is authoritative for ("covered"): `--from/--to` when given, otherwise the
first to the last local day that has a usable row in the input, clipped to the API window. A day
in that range that the ledger has for a user but the input no longer has is zeroed (or deleted).
Days outside it are left alone, so pushing only today's deals never wipes yesterday. A user whose
row was unreadable keeps the ledger's days untouched (we cannot tell what that row was), and a
row with no agent, or with an agent key no Genesys user matches, turns zeroing off for the run:
an unknown key may be a typo for a real agent, whose days must not be wiped for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from .agents import AgentDirectory
from .aggregate import Aggregator, PointKey
from .ledger import Entry
from .reader import Row, RowError
from .zones import ZoneMap, local_day

ZeroMode = Literal["zero", "delete"]
Reason = Literal["new", "changed", "full", "zeroed", "deleted"]

# A zeroed day is value 0 with count 1: count 0 would delete the point ("when total count
# reaches 0, the metric data will be deleted", ExternalMetricDataItem).
ZERO = Entry(Decimal(0), 1)
MAX_KEPT_ERRORS = 1000
MAX_LINES_PER_REASON = 20
# Distinct reasons kept one by one (a wrong --agent-column makes one per row); the rest are
# counted together under OTHER_REASONS.
MAX_REASONS = 100
OTHER_REASONS = "more reasons, not listed one by one"


@dataclass(frozen=True)
class Window:
    """Inclusive day range; `Window.api(now)` is what the data API accepts (-7 ... +30 days)."""

    first: date
    last: date

    @classmethod
    def api(cls, now: datetime) -> Window:
        today = now.astimezone(UTC).date()
        return cls(today - timedelta(days=7), today + timedelta(days=30))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    def clip(self, other: Window | None) -> Window | None:
        if other is None:
            return None
        first, last = max(self.first, other.first), min(self.last, other.last)
        return Window(first, last) if first <= last else None

    def __str__(self) -> str:
        return f"{self.first} … {self.last}"


@dataclass
class LineGroups:
    """Rows set aside, grouped by reason: a count and the first line numbers of each."""

    groups: dict[str, tuple[int, list[int]]] = field(default_factory=dict)

    def add(self, reason: str, line: int) -> None:
        if reason not in self.groups and len(self.groups) >= MAX_REASONS:
            reason = OTHER_REASONS
        count, lines = self.groups.get(reason, (0, []))
        if len(lines) < MAX_LINES_PER_REASON:
            lines.append(line)
        self.groups[reason] = (count + 1, lines)

    def total(self) -> int:
        return sum(count for count, _ in self.groups.values())

    def __bool__(self) -> bool:
        return bool(self.groups)


@dataclass
class Collected:
    points: Aggregator
    window: Window
    period: Window | None
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    unknown_agents: LineGroups = field(default_factory=LineGroups)
    skipped: LineGroups = field(default_factory=LineGroups)
    tainted_users: set[str] = field(default_factory=set)
    tainted_points: set[PointKey] = field(default_factory=set)
    zeroing_off: str | None = None
    rows_read: int = 0

    @property
    def covered(self) -> Window | None:
        """The days this input is authoritative for (see the module docstring)."""
        if self.period is not None:
            return self.window.clip(self.period)
        days = self.points.days()
        return self.window.clip(Window(*days)) if days else None


def collect(
    rows: Iterable[Row | RowError],
    directory: AgentDirectory,
    zones: ZoneMap,
    window: Window,
    period: Window | None = None,
) -> Collected:
    result = Collected(Aggregator(), window, period)
    add = result.points.add
    for row in rows:
        result.rows_read += 1
        if isinstance(row, RowError):
            _unreadable(result, row, directory, zones)
            continue
        user_id = directory.resolve(row.agent)
        if user_id is None:
            result.unknown_agents.add(f"unknown agent {row.agent!r}", row.line)
            if result.zeroing_off is None:
                result.zeroing_off = f"line {row.line} has an unknown agent"
            continue
        occurred = row.occurred
        if isinstance(occurred, datetime):
            day = occurred.astimezone(zones.for_user(user_id)).date()
        else:
            day = occurred  # an already-daily row
        if period is not None and day not in period:
            result.skipped.add(f"{day} is outside --from/--to ({period})", row.line)
        elif day not in window:
            result.skipped.add(f"{day} is outside the API window ({window})", row.line)
        else:
            add(user_id, day, row.value, row.count)
    return result


def _unreadable(
    result: Collected, row: RowError, directory: AgentDirectory, zones: ZoneMap
) -> None:
    result.error_count += 1
    if len(result.errors) < MAX_KEPT_ERRORS:
        result.errors.append(row)
    if row.agent is None:
        result.zeroing_off = f"line {row.line} has no agent"
        return
    user_id = directory.resolve(row.agent)
    if user_id is None:
        if result.zeroing_off is None:
            result.zeroing_off = f"line {row.line} has an unknown agent"
        return
    if row.occurred is None:
        result.tainted_users.add(user_id)
    else:
        result.tainted_points.add((user_id, local_day(row.occurred, zones.for_user(user_id))))


@dataclass(frozen=True)
class Change:
    user_id: str
    day: date
    value: Decimal | None  # None deletes the point
    count: int
    previous: Entry | None
    reason: Reason


@dataclass
class Diff:
    changes: list[Change]
    unchanged: int
    kept: int  # ledger days in the covered range not zeroed because their rows were unreadable


def diff(
    collected: Collected,
    ledger: Mapping[PointKey, Entry],
    *,
    full: bool = False,
    zero_mode: ZeroMode = "zero",
) -> Diff:
    """What to send: changed or new points, and zeroes for covered days the input lost."""
    changes: list[Change] = []
    unchanged = kept = 0
    for (user_id, day), point in collected.points:
        previous = ledger.get((user_id, day))
        same = previous == Entry(point.value, point.count)
        if same and not full:
            unchanged += 1
            continue
        reason: Reason = "full" if same else ("new" if previous is None else "changed")
        changes.append(Change(user_id, day, point.value, point.count, previous, reason))
    covered = collected.covered
    if covered is not None:
        for (user_id, day), previous in sorted(ledger.items(), key=lambda kv: (kv[0][1], kv[0])):
            if day not in covered or (user_id, day) in collected.points.points:
                continue
            if (
                collected.zeroing_off
                or user_id in collected.tainted_users
                or (user_id, day) in collected.tainted_points
            ):
                kept += 1
                continue
            if zero_mode == "delete":
                changes.append(Change(user_id, day, None, 0, previous, "deleted"))
            elif previous == ZERO and not full:
                unchanged += 1
            else:
                changes.append(Change(user_id, day, ZERO.value, ZERO.count, previous, "zeroed"))
    changes.sort(key=lambda c: (c.day, c.user_id))
    return Diff(changes, unchanged, kept)
