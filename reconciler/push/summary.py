"""Plain-text rendering of a push: the dry-run listing and the end-of-run summary."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from .changes import Change, LineGroups
from .pusher import PushReport

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
    before = change.previous
    new = "delete" if change.value is None else f"{_number(change.value)} ({change.count})"
    if before is not None and change.reason != "full":
        new = f"{_number(before.value)} ({before.count}) -> {new}"
    return f"  {_MARK[change.reason]} {change.day}  {label:<32} {new}  [{_WHY[change.reason]}]"


def _groups(title: str, groups: LineGroups) -> list[str]:
    lines: list[str] = []
    for reason, (count, first_lines) in sorted(groups.groups.items()):
        more = ", …" if count > len(first_lines) else ""
        where = ", ".join(str(n) for n in first_lines) + more
        lines.append(f"  {title}: {reason}: {count} row(s), line(s) {where}")
    return lines


def render(report: PushReport) -> str:
    c, d, o = report.collected, report.diff, report.outcome
    req = report.request
    out: list[str] = []
    head = "Dry run of" if o is None else "Push of"
    out.append(f"{head} {req.metric!r} (metric {report.metric_id}) from {req.input}")
    covered = c.covered
    out.append(
        f"  {c.points.rows} row(s) -> {len(c.points)} point(s); API window {c.window}; "
        f"days covered by this input: {covered if covered else 'none'}"
    )
    if o is None:
        out.append(f"  would send {len(d.changes)} point(s) ({d.unchanged} unchanged):")
        out.extend(change_line(ch, report.labels.get(ch.user_id, ch.user_id)) for ch in d.changes)
    for error in c.errors:
        out.append(f"  unreadable: line {error.line}: {error.message}")
    if c.error_count > len(c.errors):
        out.append(f"  unreadable: … and {c.error_count - len(c.errors)} more row(s)")
    out.extend(_groups("unknown agent", c.unknown_agents))
    out.extend(_groups("skipped", c.skipped))
    if d.kept:
        why = c.zeroing_off or "their users have unreadable rows"
        out.append(f"  not zeroed: {d.kept} ledger day(s), because {why}")
    reasons = Counter(ch.reason for ch in d.changes)
    zeroed = reasons["zeroed"] + reasons["deleted"]
    if o is not None:
        ack = len(o.acknowledged)
        out.append(
            f"Sent {ack} point(s) in {o.requests} request(s): "
            f"{ack - sum(1 for ch in o.acknowledged if ch.reason in ('zeroed', 'deleted'))} "
            f"written, {sum(1 for ch in o.acknowledged if ch.reason in ('zeroed', 'deleted'))} "
            f"zeroed; {d.unchanged} unchanged"
        )
        codes = Counter(f.code for f in o.rejected)
        if o.rejected:
            listed = ", ".join(f"{code} x{n}" for code, n in sorted(codes.items()))
            out.append(f"  rejected: {len(o.rejected)} point(s) ({listed})")
            for failure in o.rejected[:20]:
                label = report.labels.get(failure.change.user_id, failure.change.user_id)
                out.append(f"    {failure.change.day} {label}: {failure.code} {failure.message}")
        if o.failed:
            codes = Counter(f.code for f in o.failed)
            listed = ", ".join(f"{code} x{n}" for code, n in sorted(codes.items()))
            out.append(f"  not acknowledged (retried next run): {len(o.failed)} ({listed})")
    else:
        out.append(f"Would send {len(d.changes)} point(s), {zeroed} of them zeroing a day")
    skipped = c.skipped.total()
    out.append(
        f"Summary: sent {0 if o is None else len(o.acknowledged)}, unchanged {d.unchanged}, "
        f"zeroed {zeroed}, rejected {0 if o is None else len(o.rejected)}, "
        f"unreadable {c.error_count}, unknown agent {c.unknown_agents.total()}, "
        f"skipped {skipped}"
    )
    return "\n".join(out)
