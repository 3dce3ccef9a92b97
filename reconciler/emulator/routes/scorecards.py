"""What agents see: a user's scorecard for a workday, and a profile's leaderboard over days.

``GET /api/v2/gamification/scorecards/users/{userId}?workday=&expand=objective`` answers a
``WorkdayMetricListing``: the enabled metrics of the user's profile in order, each with its
value, points and maxPoints (``objective`` with ``expand=objective``).

``GET /api/v2/gamification/leaderboard/all?filterType=&filterId=&startWorkday=&endWorkday=
[&metricId=]`` answers a ``Leaderboard``: points summed over the workdays (one metric's with
``metricId``, else every enabled metric's), most points first. Equal points share a rank and
the next rank skips (1, 1, 3); within a rank, leaders are listed by name. Genesys documents
neither the tie order nor a limit on the range; the emulator allows at most 366 days.
``filterType=Division`` ranks the users of a division, each under their own profile.
"""

from __future__ import annotations

from datetime import date, timedelta

from ...scoring import bands
from ..errors import ApiFailure
from ..performance import Scored, members_of, profile_of
from ..routing import Call, Reply, Route
from ..state import JsonObject, OrgState
from . import fields
from .profile_metrics import metric_view, objective_on
from .profiles import find_profile

SCORECARDS = "/api/v2/gamification/scorecards"
LEADERBOARD = "/api/v2/gamification/leaderboard"
MAX_DAYS = 366
FILTER_TYPES = ("PerformanceProfile", "Division")


def _day(call: Call, name: str) -> date:
    raw = call.arg(name)
    if raw is None:
        raise fields.fail(name, "may not be null")
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise fields.fail(name, f"{raw!r} is not a yyyy-MM-dd date", "invalid.date") from None


def _user(call: Call) -> JsonObject:
    user = call.state.kind("users").get(call.params["userId"])
    if user is None or user.get("state") == "deleted":
        raise ApiFailure(404, "not.found", f"User {call.params['userId']} was not found")
    return user


def _business_unit_of(state: OrgState, user_id: str) -> str | None:
    for unit in state.kind("managementUnits").values():
        if user_id in unit["userIds"]:
            return str(unit["businessUnitId"])
    return None


def scored_metrics(state: OrgState, profile: JsonObject, day: date) -> list[Scored]:
    """The profile's metrics enabled on ``day``, in order, with the objective then in effect."""
    metrics = state.kind("profileMetrics")
    chosen = []
    for metric_id in profile["metricOrders"]:
        metric = metrics.get(metric_id)
        if metric is None:
            continue
        objective = objective_on(metric, day)
        if objective.get("enabled", True):
            chosen.append(Scored(metric, objective, bands(objective.get("zones") or [])))
    return chosen


def user_scorecard(call: Call) -> Reply:
    user = _user(call)
    day = _day(call, "workday")
    expand = {e for value in call.args("expand") for e in value.split(",")}
    profile = profile_of(call.state, user)
    unit = _business_unit_of(call.state, user["id"])
    entities = []
    for metric in scored_metrics(call.state, profile, day):
        scored = metric.score(call.state, user["id"], day, call.now.date())
        item: JsonObject = {
            "metric": metric_view(metric.metric, day, with_objective=False),
            "points": scored.points,
            "maxPoints": scored.max_points,
        }
        if scored.value is not None:
            item["value"] = scored.value
        if "objective" in expand:
            item["objective"] = metric.objective
        if unit is not None:
            item["businessUnitId"] = unit
        entities.append(item)
    return Reply(200, {"entities": entities})


def _range(call: Call) -> list[date]:
    start, end = _day(call, "startWorkday"), _day(call, "endWorkday")
    if end < start:
        raise fields.fail("endWorkday", "must not be before startWorkday")
    days = (end - start).days + 1
    if days > MAX_DAYS:
        raise fields.fail("endWorkday", f"the range may span at most {MAX_DAYS} days")
    return [start + timedelta(days=n) for n in range(days)]


class _Totals:
    """Points per user over workdays; each profile's metrics are looked up once per day."""

    def __init__(self, call: Call, days: list[date], metric_id: str | None) -> None:
        self._call, self._days, self._metric_id = call, days, metric_id
        self._plans: dict[str, list[tuple[date, list[Scored]]]] = {}

    def _plan(self, profile: JsonObject) -> list[tuple[date, list[Scored]]]:
        plan = self._plans.get(profile["id"])
        if plan is None:
            plan = [
                (
                    day,
                    [
                        m
                        for m in scored_metrics(self._call.state, profile, day)
                        if self._metric_id is None or m.metric["id"] == self._metric_id
                    ],
                )
                for day in self._days
            ]
            self._plans[profile["id"]] = plan
        return plan

    def of(self, user: JsonObject, profile: JsonObject) -> int:
        today = self._call.now.date()
        state = self._call.state
        return sum(
            metric.score(state, user["id"], day, today).points
            for day, metrics in self._plan(profile)
            for metric in metrics
        )


def _ranked(totals: list[tuple[JsonObject, int]]) -> list[JsonObject]:
    ordered = sorted(totals, key=lambda t: (-t[1], str(t[0]["name"]).casefold(), t[0]["id"]))
    leaders: list[JsonObject] = []
    rank = 0
    for position, (user, points) in enumerate(ordered, start=1):
        if not leaders or points != leaders[-1]["points"]:
            rank = position
        user_ref = {"id": user["id"], "selfUri": user["selfUri"]}
        leaders.append({"user": user_ref, "rank": rank, "points": points})
    return leaders


def leaderboard_all(call: Call) -> Reply:
    kind = fields.choice(
        {"filterType": call.arg("filterType")}, "filterType", FILTER_TYPES, required=True
    )
    filter_id = call.arg("filterId")
    if not filter_id:
        raise fields.fail("filterId", "may not be null")
    days = _range(call)
    metric_id = call.arg("metricId")
    body: JsonObject = {
        "dateStartWorkday": days[0].isoformat(),
        "dateEndWorkday": days[-1].isoformat(),
    }
    if kind == "PerformanceProfile":
        profile = find_profile(call.state, filter_id)
        if metric_id is not None and metric_id not in profile["metricOrders"]:
            raise ApiFailure(404, "not.found", f"Metric {metric_id} is not in this profile")
        totals_of = _Totals(call, days, metric_id)
        totals = [(u, totals_of.of(u, profile)) for u in members_of(call.state, profile)]
        body["performanceProfile"] = {"id": profile["id"], "selfUri": profile["selfUri"]}
        body["division"] = profile["division"]
    else:
        division = call.state.kind("divisions").get(filter_id)
        if division is None:
            raise ApiFailure(404, "not.found", f"Division {filter_id} was not found")
        if metric_id is not None:
            raise fields.fail("metricId", "needs filterType PerformanceProfile")
        users = [
            u
            for u in call.state.kind("users").values()
            if u.get("state") == "active" and (u.get("division") or {}).get("id") == filter_id
        ]
        totals_of = _Totals(call, days, None)
        totals = [(u, totals_of.of(u, profile_of(call.state, u))) for u in users]
        body["division"] = {k: division[k] for k in ("id", "name", "selfUri")}
    if metric_id is not None:
        body["metric"] = {
            "id": metric_id,
            "selfUri": call.state.kind("profileMetrics")[metric_id]["selfUri"],
        }
    body["leaders"] = _ranked(totals)
    return Reply(200, body)


ROUTES = [
    Route("GET", SCORECARDS + "/users/{userId}", user_scorecard),
    Route("GET", LEADERBOARD + "/all", leaderboard_all),
]
