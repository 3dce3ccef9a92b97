"""Plain-text rendering of a push: the dry-run listing and the end-of-run summary."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from .changes import OTHER_REASONS, Change, LineGroups
from .pusher import Failure, PushReport

_MARK = {"new": "+", "changed": "~", "full": "=", "zeroed": "0", "deleted": "-"}
_WHY = {
    "new": "new",
    "changed": "changed",
    "full": "re-sent (--full)",
    "zeroed": "no deals any more",
    "deleted": "no deals any more (delete)",
}


def _number(value: Decimal | None) -> str:
    return "null" if value is None else f"{value:f}"


def change_line(change: Change, label: str) -> str:
    """One point of a dry run: mark, day, agent, `value (count)`, what the ledger had."""
    before = change.previous
    new = "delete" if change.value is None else f"{_number(change.value)} ({change.count})"
    if before is not None and change.reason != "full":
        old = f"{_number(before.value)} ({before.count})" if before.known else "?"
        new = f"{old} -> {new}"
    return f"  {_MARK[change.reason]} {change.day}  {label:<32} {new:<24} [{_WHY[change.reason]}]"


def _groups(title: str, groups: LineGroups, unit: str = "line") -> list[str]:
    lines: list[str] = []
    listed = sorted(groups.groups.items(), key=lambda kv: (kv[0] == OTHER_REASONS, kv[0]))
    for reason, (count, first_lines) in listed:
        more = ", …" if count > len(first_lines) else ""
        where = ", ".join(str(n) for n in first_lines) + more
        lines.append(f"  {title}: {reason}: {count} row(s), {unit}(s) {where}")
    return lines


@dataclass(frozen=True)
class PerDeal:
    """Days whose count is above 1: Genesys scores them as total value / count, per deal."""

    days: int
    points: int
    example_user: str
    example_day: str
    example_value: Decimal
    example_count: int

    @property
    def example_average(self) -> Decimal:
        return (self.example_value / self.example_count).quantize(Decimal("0.01"))


def per_deal(report: PushReport) -> PerDeal | None:
    """What agents will see differently from the day's total, or None when every count is 1."""
    several = [(key, point) for key, point in report.collected.points if point.count > 1]
    if not several:
        return None
    (user_id, day), point = several[0]
    return PerDeal(
        days=len({day for (_, day), _ in several}),
        points=len(several),
        example_user=report.labels.get(user_id, user_id),
        example_day=day.isoformat(),
        example_value=point.value,
        example_count=point.count,
    )


def _per_deal_lines(report: PushReport) -> list[str]:
    found = per_deal(report)
    if found is None:
        return []
    return [
        f"  agents will see per-deal values: Genesys scores {report.request.metric!r} as a day's "
        f"total value / count, and {found.points} point(s) on {found.days} day(s) count more "
        "than one deal;",
        f"    e.g. {found.example_user} on {found.example_day}: "
        f"{_number(found.example_value)} over {found.example_count} deals shows as "
        f"{found.example_average:f} (per deal, not per day); to score the day's total, send "
        "one row per agent and day, or a --count-column adding up to 1 per day",
    ]


def render(report: PushReport) -> str:
    c, d, o = report.collected, report.diff, report.outcome
    req = report.request
    head = "Dry run of" if o is None else "Push of"
    unit = report.unit
    out = [
        f"{head} {req.metric!r} (metric {report.metric_id}) from {report.source or req.input}",
        f"  read {c.rows_read} row(s): {c.points.rows} aggregated into {len(c.points)} point(s)",
        f"  API window {c.window}; days covered by this input: {c.covered or 'none'}",
    ]
    if o is None:
        out.append(f"  would send {len(d.changes)} point(s) ({d.unchanged} unchanged):")
        out.extend(change_line(ch, report.labels.get(ch.user_id, ch.user_id)) for ch in d.changes)
    if report.lost is not None:
        out.extend(report.lost.lines())
    for error in c.errors:
        out.append(f"  unreadable: {unit} {error.line}: {error.message}")
    if c.error_count > len(c.errors):
        out.append(f"  unreadable: … and {c.error_count - len(c.errors)} more row(s)")
    out.extend(_groups("skipped", c.unknown_agents, unit))
    out.extend(_groups("skipped", c.skipped, unit))
    out.extend(_per_deal_lines(report))
    if d.kept:
        why = c.zeroing_off or "their users have unreadable rows"
        out.append(f"  not zeroed: {d.kept} ledger day(s), because {why}")
    zeroing = ("zeroed", "deleted")
    if o is None:
        sent = len(d.changes)
        zeroed = sum(1 for ch in d.changes if ch.reason in zeroing)
        rejected = failed = requests = 0
    else:
        sent, rejected, failed = len(o.acknowledged), len(o.rejected), len(o.failed)
        zeroed = sum(1 for ch in o.acknowledged if ch.reason in zeroing)
        requests = o.requests
        out.extend(_failures("rejected", o.rejected, report.labels))
        out.extend(_failures("not acknowledged (retried next run)", o.failed, report.labels))
    label = "Summary (dry run): would send" if o is None else "Summary: sent"
    out.append(
        f"{label} {sent}, unchanged {d.unchanged}, zeroed {zeroed}, rejected {rejected}, "
        f"not acknowledged {failed}, unreadable {c.error_count}, "
        f"unknown agent {c.unknown_agents.total()}, skipped {c.skipped.total()}; "
        f"{requests} request(s)"
    )
    return "\n".join(out)


def _failures(title: str, failures: list[Failure], labels: dict[str, str]) -> list[str]:
    if not failures:
        return []
    codes = Counter(f.code for f in failures)
    listed = ", ".join(f"{code} x{n}" for code, n in sorted(codes.items()))
    lines = [f"  {title}: {len(failures)} point(s) ({listed})"]
    for failure in failures[:20]:
        change = failure.change
        who = labels.get(change.user_id, change.user_id)
        lines.append(f"    {change.day} {who}: {failure.code}: {failure.message}")
    if len(failures) > 20:
        lines.append(f"    … and {len(failures) - 20} more")
    return lines


def _per_deal_json(report: PushReport) -> dict[str, object] | None:
    found = per_deal(report)
    if found is None:
        return None
    return {
        "points": found.points,
        "days": found.days,
        "example": {
            "agent": found.example_user,
            "dateOccurred": found.example_day,
            "value": str(found.example_value),
            "count": found.example_count,
            "scoredValue": str(found.example_average),
        },
    }


def as_json(report: PushReport) -> str:
    """The same facts as `render`, for CI jobs that parse the result."""
    c, d, o = report.collected, report.diff, report.outcome
    covered = c.covered

    def point(change: Change) -> dict[str, object]:
        return {
            "userId": change.user_id,
            "agent": report.labels.get(change.user_id, change.user_id),
            "dateOccurred": change.day.isoformat(),
            "value": None if change.value is None else str(change.value),
            "count": change.count,
            "reason": change.reason,
            "previous": None
            if change.previous is None
            else {"value": str(change.previous.value), "count": change.previous.count}
            if change.previous.known
            else {"value": None, "count": None, "unknown": True},
        }

    def failure(f: Failure) -> dict[str, object]:
        return {**point(f.change), "code": f.code, "message": f.message}

    def groups(lines: LineGroups) -> list[dict[str, object]]:
        return [
            {"reason": reason, "rows": count, "lines": first}
            for reason, (count, first) in sorted(lines.groups.items())
        ]

    body = {
        "metric": report.request.metric,
        "metricId": report.metric_id,
        "source": report.source or report.request.input,
        "ledger": report.ledger,
        "ledgerLost": None if report.lost is None else report.lost.as_dict(),
        "dryRun": o is None,
        "rowsRead": c.rows_read,
        "rowsAggregated": c.points.rows,
        "points": len(c.points),
        "window": [c.window.first.isoformat(), c.window.last.isoformat()],
        "covered": None if covered is None else [str(covered.first), str(covered.last)],
        "unchanged": d.unchanged,
        "notZeroed": d.kept,
        "changes": [point(ch) for ch in d.changes] if o is None else None,
        "sent": None if o is None else [point(ch) for ch in o.acknowledged],
        "rejected": [] if o is None else [failure(f) for f in o.rejected],
        "notAcknowledged": [] if o is None else [failure(f) for f in o.failed],
        "requests": 0 if o is None else o.requests,
        "unreadable": [{"line": e.line, "message": e.message} for e in c.errors],
        "unreadableRows": c.error_count,
        "unknownAgents": groups(c.unknown_agents),
        "skipped": groups(c.skipped),
        "perDeal": _per_deal_json(report),
        "failed": report.failed,
    }
    return json.dumps(body, indent=2, ensure_ascii=False)
