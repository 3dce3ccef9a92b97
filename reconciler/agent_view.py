"""What agents see, read from Genesys: one agent's scorecard for a day, a profile's leaderboard.

Read-only, and built on the API's own answers (``WorkdayMetric`` points and ``Leaderboard``
ranks), so against a real org it shows Genesys's numbers, not a recomputation. Names are
resolved to exactly one object (agent e-mail -> user, profile name -> profile, metric name ->
profile metric); none or several is a `ReconcilerError` naming what exists.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from .errors import ReconcilerError

JSON = dict[str, Any]
MISSING = "-"


class ViewClient(Protocol):
    def find_users_by_email(self, email: str) -> list[JSON]: ...
    def get_users(self, ids: Sequence[str]) -> list[JSON]: ...
    def list_profiles(self) -> list[JSON]: ...
    def list_profile_metrics(self, profile_id: str) -> list[JSON]: ...
    def get_user_profile(self, user_id: str, workday: date | None = None) -> JSON: ...
    def get_user_scorecard(self, user_id: str, workday: date) -> list[JSON]: ...
    def get_profile_leaderboard(
        self, profile_id: str, start: date, end: date, metric_id: str | None = None
    ) -> JSON: ...


def _known(names: Sequence[str]) -> str:
    listed = sorted(set(names))
    return ", ".join(repr(n) for n in listed[:20]) + (", …" if len(listed) > 20 else "") or "none"


def resolve_agent(client: ViewClient, email: str) -> JSON:
    """The one live user whose e-mail is ``email`` (case-insensitive)."""
    found = [
        u
        for u in client.find_users_by_email(email.strip())
        if u.get("state") != "deleted" and str(u.get("email", "")).casefold() == email.casefold()
    ]
    if not found:
        raise ReconcilerError(f"no Genesys user has the e-mail {email!r}")
    if len(found) > 1:
        raise ReconcilerError(f"{len(found)} Genesys users have the e-mail {email!r}")
    return found[0]


def resolve_profile(client: ViewClient, name: str) -> JSON:
    """The one performance profile named ``name``."""
    profiles = client.list_profiles()
    named = [p for p in profiles if p.get("name") == name]
    if len(named) == 1:
        return named[0]
    if named:
        raise ReconcilerError(
            f"{len(named)} performance profiles are named {name!r}; rename one in Genesys"
        )
    names = [str(p.get("name")) for p in profiles]
    close = [n for n in names if n.casefold() == name.casefold()]
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ReconcilerError(
        f"no performance profile named {name!r}.{hint} (profiles: {_known(names)})"
    )


def resolve_metric(client: ViewClient, profile: JSON, name: str) -> JSON:
    """The one metric of ``profile`` named ``name``."""
    metrics = client.list_profile_metrics(str(profile["id"]))
    named = [m for m in metrics if m.get("name") == name]
    if len(named) == 1:
        return named[0]
    where = f"profile {profile.get('name')!r}"
    if named:
        raise ReconcilerError(f"{len(named)} metrics of {where} are named {name!r}")
    names = [str(m.get("name")) for m in metrics]
    raise ReconcilerError(f"{where} has no metric named {name!r} (metrics: {_known(names)})")


# --- scorecard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricLine:
    metric_id: str
    name: str
    value: float | None
    precision: int
    points: int
    max_points: int


@dataclass(frozen=True)
class Scorecard:
    agent: str
    user_id: str
    workday: date
    profile_id: str
    profile_name: str
    lines: tuple[MetricLine, ...]

    @property
    def points(self) -> int:
        return sum(line.points for line in self.lines)

    @property
    def max_points(self) -> int:
        return sum(line.max_points for line in self.lines)


def _int(raw: Any) -> int:
    return int(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else 0


def scorecard(client: ViewClient, email: str, workday: date) -> Scorecard:
    user = resolve_agent(client, email)
    user_id = str(user["id"])
    profile = client.get_user_profile(user_id, workday)
    lines = []
    for entry in client.get_user_scorecard(user_id, workday):
        metric = entry.get("metric") or {}
        value = entry.get("value")
        lines.append(
            MetricLine(
                metric_id=str(metric.get("id", "")),
                name=str(metric.get("name", metric.get("id", "?"))),
                value=float(value) if isinstance(value, int | float) else None,
                precision=_int(metric.get("precision")),
                points=_int(entry.get("points")),
                max_points=_int(entry.get("maxPoints")),
            )
        )
    email_shown = str(user.get("email") or email)
    name = str(profile.get("name", ""))
    return Scorecard(email_shown, user_id, workday, str(profile.get("id", "")), name, tuple(lines))


def _value(line: MetricLine) -> str:
    return MISSING if line.value is None else f"{line.value:,.{line.precision}f}"


def render_scorecard(card: Scorecard) -> str:
    head = f"Scorecard of {card.agent} on {card.workday} (profile {card.profile_name!r})"
    if not card.lines:
        return f"{head}\n  no metrics are enabled in this profile"
    width = max(len("metric"), *(len(line.name) for line in card.lines))
    values = [_value(line) for line in card.lines]
    value_width = max(len("value"), *(len(v) for v in values))
    out = [head, f"  {'metric':<{width}}  {'value':>{value_width}}  points"]
    for line, value in zip(card.lines, values, strict=True):
        out.append(
            f"  {line.name:<{width}}  {value:>{value_width}}  {line.points} / {line.max_points}"
        )
    out.append(f"  {'total':<{width}}  {'':>{value_width}}  {card.points} / {card.max_points}")
    return "\n".join(out)


def scorecard_json(card: Scorecard) -> str:
    body = {
        "agent": card.agent,
        "userId": card.user_id,
        "workday": card.workday.isoformat(),
        "profile": {"id": card.profile_id, "name": card.profile_name},
        "metrics": [
            {
                "metricId": line.metric_id,
                "name": line.name,
                "value": line.value,
                "points": line.points,
                "maxPoints": line.max_points,
            }
            for line in card.lines
        ],
        "points": card.points,
        "maxPoints": card.max_points,
    }
    return json.dumps(body, indent=2, ensure_ascii=False)


# --- leaderboard -------------------------------------------------------------------------


@dataclass(frozen=True)
class Leader:
    rank: int
    user_id: str
    agent: str
    points: int


@dataclass(frozen=True)
class Standings:
    profile_id: str
    profile_name: str
    first: date
    last: date
    metric_id: str | None
    metric_name: str | None
    leaders: tuple[Leader, ...]


def standings(
    client: ViewClient, profile_name: str, first: date, last: date, metric_name: str | None
) -> Standings:
    profile = resolve_profile(client, profile_name)
    metric = resolve_metric(client, profile, metric_name) if metric_name is not None else None
    metric_id = str(metric["id"]) if metric is not None else None
    board = client.get_profile_leaderboard(str(profile["id"]), first, last, metric_id)
    raw = [x for x in board.get("leaders") or [] if isinstance(x, dict)]
    ids = [str((x.get("user") or {}).get("id", "")) for x in raw]
    users = client.get_users([i for i in ids if i]) if ids else []
    labels = {str(u["id"]): str(u.get("email") or u.get("name") or u["id"]) for u in users}
    leaders = tuple(
        Leader(_int(x.get("rank")), user_id, labels.get(user_id, user_id), _int(x.get("points")))
        for x, user_id in zip(raw, ids, strict=True)
    )
    return Standings(str(profile["id"]), profile_name, first, last, metric_id, metric_name, leaders)


def render_standings(board: Standings) -> str:
    days = str(board.first) if board.first == board.last else f"{board.first} … {board.last}"
    what = f"metric {board.metric_name!r}" if board.metric_name else "all metrics"
    head = f"Leaderboard of {board.profile_name!r}, {days} ({what})"
    if not board.leaders:
        return f"{head}\n  no agents are ranked (the profile has no members)"
    width = max(len("agent"), *(len(x.agent) for x in board.leaders))
    out = [head, f"  {'rank':>4}  {'agent':<{width}}  points"]
    out.extend(f"  {x.rank:>4}  {x.agent:<{width}}  {x.points:>6}" for x in board.leaders)
    return "\n".join(out)


def standings_json(board: Standings) -> str:
    body = {
        "profile": {"id": board.profile_id, "name": board.profile_name},
        "from": board.first.isoformat(),
        "to": board.last.isoformat(),
        "metric": None
        if board.metric_id is None
        else {"id": board.metric_id, "name": board.metric_name},
        "leaders": [
            {"rank": x.rank, "userId": x.user_id, "agent": x.agent, "points": x.points}
            for x in board.leaders
        ],
    }
    return json.dumps(body, indent=2, ensure_ascii=False)
