"""Membership, groups, extra agents, scorecards and leaderboards, through the emulator's API."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from reconciler.emulator import Emulator
from reconciler.emulator.performance import native_value
from reconciler.emulator.seed import agent_email

from .conftest import (
    DATA,
    NOW,
    PROFILES,
    authed_client,
    create_definition,
    profile_body,
    user_id,
)

SCORECARD = "/api/v2/gamification/scorecards/users"
LEADERBOARD = "/api/v2/gamification/leaderboard/all"
ALICE = "alice.nguyen@example.com"
BEN = "ben.carter@example.com"
CHLOE = "chloe.davies@example.com"
TODAY = NOW.date().isoformat()


def _revenue_profile(api: httpx.Client, name: str = "Sales Agents") -> tuple[str, str, str]:
    """A profile with one revenue metric, $10,000 for 100 points: (profile, metric, definition)."""
    definition = create_definition(api)
    profile = api.post(PROFILES, params={"copyMetrics": "false"}, json=profile_body(api, name))
    assert profile.status_code == 201, profile.text
    zones = [
        {"label": "Below target", "zoneType": "Good", "directionType": "Up",
         "lowerLimitValue": 0, "upperLimitValue": 10000,
         "lowerLimitPoints": 0, "upperLimitPoints": 100},
        {"label": "Target", "zoneType": "Target", "directionType": "Up",
         "lowerLimitValue": 10000, "lowerLimitPoints": 100, "upperLimitPoints": 100},
    ]  # fmt: skip
    metric = api.post(
        f"{PROFILES}/{profile.json()['id']}/metrics",
        json={
            "name": "Revenue closed",
            "externalMetricDefinitionId": definition["id"],
            "objective": {"zones": zones, "enabled": True, "dateStart": "2026-11-01"},
        },
    )
    assert metric.status_code == 201, metric.text
    return profile.json()["id"], metric.json()["id"], definition["id"]


def _assign(api: httpx.Client, profile_id: str, *users: str, remove: tuple[str, ...] = ()) -> Any:
    body = {"membersToAssign": list(users), "membersToRemove": list(remove)}
    reply = api.post(f"{PROFILES}/{profile_id}/members", json=body)
    assert reply.status_code == 200, reply.text
    return reply.json()


def _push(
    api: httpx.Client, definition_id: str, user: str, day: str, value: float, count: int
) -> None:
    item = {"metricId": definition_id, "userId": user, "dateOccurred": day, "value": value}
    reply = api.post(DATA, json={"items": [{**item, "count": count}]})
    assert reply.status_code == 200 and not reply.json()["unprocessedEntities"], reply.text


# --- membership ---------------------------------------------------------------------------


def test_validate_sorts_users_into_free_here_elsewhere_and_invalid(
    api: httpx.Client, emulator: Emulator
) -> None:
    first = api.post(PROFILES, json=profile_body(api, "First")).json()["id"]
    second = api.post(PROFILES, json=profile_body(api, "Second")).json()["id"]
    alice, ben, chloe = (user_id(emulator, e) for e in (ALICE, BEN, CHLOE))
    _assign(api, first, alice)
    _assign(api, second, ben)
    reply = api.post(
        f"{PROFILES}/{first}/members/validate",
        json={"membersToAssign": [alice, ben, chloe, "nobody"]},
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert [m["id"] for m in body["membersNotAssigned"]] == [chloe]
    assert [m["id"] for m in body["membersAlreadyAssigned"]] == [alice]
    assert body["membersAlreadyAssignedToOther"] == [
        {
            "id": ben,
            "selfUri": f"/api/v2/users/{ben}",
            "currentProfile": {"id": second, "selfUri": f"{PROFILES}/{second}"},
        }
    ]
    assert [m["user"]["id"] for m in body["invalidMemberAssignments"]] == ["nobody"]
    # Validation changes nothing.
    members = api.get(f"{PROFILES}/{second}/members").json()["entities"]
    assert [m["id"] for m in members] == [ben]


def test_validate_needs_a_list(api: httpx.Client) -> None:
    profile = api.post(PROFILES, json=profile_body(api)).json()["id"]
    reply = api.post(f"{PROFILES}/{profile}/members/validate", json={"membersToAssign": "x"})
    assert reply.status_code == 400
    missing = api.post(f"{PROFILES}/nope/members/validate", json={"membersToAssign": []})
    assert missing.status_code == 404


def test_remove_then_assign_and_the_users_profile(api: httpx.Client, emulator: Emulator) -> None:
    profile = api.post(PROFILES, json=profile_body(api)).json()["id"]
    alice, ben = user_id(emulator, ALICE), user_id(emulator, BEN)
    _assign(api, profile, alice, ben)
    result = _assign(api, profile, remove=(alice,))
    assert [m["id"] for m in result["removedMembers"]] == [alice]
    assert api.get(f"{PROFILES}/{profile}").json()["memberCount"] == 1
    assert api.get(f"{PROFILES}/users/{alice}").json()["name"] == "Default Performance Profile"
    assert api.get(f"{PROFILES}/users/{ben}").json()["id"] == profile


# --- groups -------------------------------------------------------------------------------


def test_seeded_groups_and_their_members(api: httpx.Client, emulator: Emulator) -> None:
    listing = api.get("/api/v2/groups").json()
    assert [g["name"] for g in listing["entities"]] == ["Sales Floor East", "Sales Floor West"]
    assert listing["total"] == 2 and listing["pageCount"] == 1
    east = listing["entities"][0]
    assert east["memberCount"] == 2 and "_memberIds" not in east
    members = api.get(f"/api/v2/groups/{east['id']}/members").json()
    assert [u["email"] for u in members["entities"]] == [ALICE, BEN]
    assert api.get(f"/api/v2/groups/{east['id']}").json()["name"] == "Sales Floor East"
    assert api.get("/api/v2/groups/nope/members").status_code == 404
    assert api.get("/api/v2/groups", params={"sortOrder": "sideways"}).status_code == 400
    desc = api.get("/api/v2/groups", params={"sortOrder": "DESC"}).json()["entities"]
    assert desc[0]["name"] == "Sales Floor West"
    only = api.get("/api/v2/groups", params={"id": east["id"]}).json()["entities"]
    assert [g["id"] for g in only] == [east["id"]]


def test_groups_page_and_names_need_not_be_unique(emulator: Emulator) -> None:
    emulator.add_group("Sales Floor East", [CHLOE])
    with pytest.raises(KeyError):
        emulator.add_group("Typo", ["nobody@example.com"])
    api = authed_client(emulator)
    first = api.get("/api/v2/groups", params={"pageSize": 2, "pageNumber": 1}).json()
    second = api.get("/api/v2/groups", params={"pageSize": 2, "pageNumber": 2}).json()
    assert first["pageCount"] == 2 and "nextUri" in first
    names = [g["name"] for g in first["entities"] + second["entities"]]
    assert names.count("Sales Floor East") == 2 and len(names) == 3


def test_extra_agents_spread_over_business_units_and_join_groups() -> None:
    emulator = Emulator(now=lambda: NOW, agents=30)
    users = emulator.objects("users")
    assert len(users) == 8 + 30
    emails = {u["email"] for u in users}
    assert agent_email(1) in emails and agent_email(30) in emails and agent_email(31) not in emails
    per_unit = [len(mu["userIds"]) for mu in emulator.objects("managementUnits")]
    assert sorted(per_unit) == [12, 12, 12]  # 2 seeded + 10 extra each
    api = authed_client(emulator)
    east = next(g for g in api.get("/api/v2/groups").json()["entities"] if "East" in g["name"])
    assert east["memberCount"] == 12
    url = f"/api/v2/groups/{east['id']}/members"
    pages = [api.get(url, params={"pageSize": 5, "pageNumber": n}).json() for n in (1, 2, 3)]
    assert pages[0]["pageCount"] == 3 and len(pages[2]["entities"]) == 2
    emulator.reset_state()
    assert len(emulator.objects("users")) == 38  # a reset keeps the size it was started with
    with pytest.raises(ValueError):
        Emulator(agents=-1)


# --- native values ------------------------------------------------------------------------


def test_native_values_are_deterministic_per_user_and_day(emulator: Emulator) -> None:
    aht = emulator.find("metricDefinitions", "Average Handle Time")
    alice, ben = user_id(emulator, ALICE), user_id(emulator, BEN)
    day = date(2026, 11, 30)
    values = {native_value(aht, u, d) for u in (alice, ben) for d in (day, date(2026, 11, 29))}
    assert len(values) == 4  # agents and days differ
    assert all(180 <= v <= 600 and v == int(v) for v in values)
    # Another emulator of the same seed shows the same value.
    twin = Emulator(now=lambda: NOW)
    assert native_value(twin.find("metricDefinitions", aht["id"]), alice, day) == native_value(
        aht, alice, day
    )
    quality = emulator.find("metricDefinitions", "Quality Evaluation Score")
    assert 60 <= native_value(quality, alice, day) <= 100


# --- scorecards ---------------------------------------------------------------------------


def test_scorecard_scores_pushed_revenue_per_deal(api: httpx.Client, emulator: Emulator) -> None:
    profile, metric, definition = _revenue_profile(api)
    alice, ben = user_id(emulator, ALICE), user_id(emulator, BEN)
    _assign(api, profile, alice, ben)
    _push(api, definition, alice, TODAY, 10000, 1)
    _push(api, definition, ben, TODAY, 15000, 3)  # three deals: $5,000 each
    card = api.get(f"{SCORECARD}/{alice}", params={"workday": TODAY}).json()["entities"]
    assert [(m["metric"]["id"], m["value"], m["points"], m["maxPoints"]) for m in card] == [
        (metric, 10000.0, 100, 100)
    ]
    assert "objective" not in card[0] and "objective" not in card[0]["metric"]
    ben_card = api.get(
        f"{SCORECARD}/{ben}", params={"workday": TODAY, "expand": "objective"}
    ).json()["entities"]
    assert (ben_card[0]["value"], ben_card[0]["points"]) == (5000.0, 50)
    assert ben_card[0]["objective"]["zones"][0]["upperLimitValue"] == 10000
    assert (
        ben_card[0]["businessUnitId"] == emulator.find("businessUnits", "North America Sales")["id"]
    )
    # A day without data: the metric is listed, with no value and no points.
    empty = api.get(f"{SCORECARD}/{ben}", params={"workday": "2026-11-29"}).json()["entities"]
    assert [(m["points"], "value" in m) for m in empty] == [(0, False)]


def test_scorecard_of_the_default_profile_has_native_values(
    api: httpx.Client, emulator: Emulator
) -> None:
    alice = user_id(emulator, ALICE)
    card = api.get(f"{SCORECARD}/{alice}", params={"workday": TODAY}).json()["entities"]
    assert [m["metric"]["name"] for m in card] == [
        "Average Handle Time",
        "Quality Evaluation Score",
        "Adherence",
    ]
    assert all(isinstance(m["value"], float) and 0 <= m["points"] <= m["maxPoints"] for m in card)
    again = api.get(f"{SCORECARD}/{alice}", params={"workday": TODAY}).json()["entities"]
    assert again == card
    future = api.get(f"{SCORECARD}/{alice}", params={"workday": "2026-12-01"}).json()["entities"]
    assert all("value" not in m and m["points"] == 0 for m in future)


def test_a_disabled_metric_leaves_the_scorecard(api: httpx.Client, emulator: Emulator) -> None:
    alice = user_id(emulator, ALICE)
    emulator.mutate("profileMetrics", "Adherence", {"objective.enabled": False})
    card = api.get(f"{SCORECARD}/{alice}", params={"workday": TODAY}).json()["entities"]
    assert "Adherence" not in [m["metric"]["name"] for m in card] and len(card) == 2


@pytest.mark.parametrize(
    ("params", "status"),
    [({}, 400), ({"workday": "30/11/2026"}, 400), ({"workday": "2026-11-3"}, 400)],
)
def test_scorecard_needs_a_workday(
    api: httpx.Client, emulator: Emulator, params: dict[str, str], status: int
) -> None:
    assert api.get(f"{SCORECARD}/{user_id(emulator, ALICE)}", params=params).status_code == status


def test_scorecard_of_an_unknown_user_is_404(api: httpx.Client) -> None:
    assert api.get(f"{SCORECARD}/nobody", params={"workday": TODAY}).status_code == 404


# --- leaderboards -------------------------------------------------------------------------


def _board(api: httpx.Client, **params: str) -> Any:
    query = {"filterType": "PerformanceProfile", "startWorkday": TODAY, "endWorkday": TODAY}
    reply = api.get(LEADERBOARD, params={**query, **params})
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_leaderboard_ranks_members_by_points(api: httpx.Client, emulator: Emulator) -> None:
    profile, metric, definition = _revenue_profile(api)
    alice, ben, chloe = (user_id(emulator, e) for e in (ALICE, BEN, CHLOE))
    _assign(api, profile, alice, ben, chloe)
    _push(api, definition, ben, TODAY, 10000, 1)
    _push(api, definition, alice, TODAY, 5000, 1)
    board = _board(api, filterId=profile)
    assert [(x["user"]["id"], x["rank"], x["points"]) for x in board["leaders"]] == [
        (ben, 1, 100),
        (alice, 2, 50),
        (chloe, 3, 0),
    ]
    assert board["performanceProfile"]["id"] == profile
    assert (board["dateStartWorkday"], board["dateEndWorkday"]) == (TODAY, TODAY)
    assert "metric" not in board
    one = _board(api, filterId=profile, metricId=metric)
    assert one["metric"]["id"] == metric and one["leaders"] == board["leaders"]


def test_leaderboard_sums_days_and_shares_ranks(api: httpx.Client, emulator: Emulator) -> None:
    profile, _, definition = _revenue_profile(api)
    alice, ben, chloe = (user_id(emulator, e) for e in (ALICE, BEN, CHLOE))
    _assign(api, profile, alice, ben, chloe)
    _push(api, definition, alice, "2026-11-29", 5000, 1)  # 50
    _push(api, definition, alice, TODAY, 2500, 1)  # 25
    _push(api, definition, ben, TODAY, 7500, 1)  # 75
    _push(api, definition, chloe, "2026-11-28", 1000, 1)  # 10, outside the range
    board = _board(api, filterId=profile, startWorkday="2026-11-29")
    assert [(x["user"]["id"], x["rank"], x["points"]) for x in board["leaders"]] == [
        (alice, 1, 75),  # equal points share a rank, listed by name
        (ben, 1, 75),
        (chloe, 3, 0),
    ]


def test_leaderboard_with_native_and_external_metrics(
    api: httpx.Client, emulator: Emulator
) -> None:
    profile, metric, definition = _revenue_profile(api)
    aht = next(
        d for d in emulator.objects("metricDefinitions") if d["name"] == "Average Handle Time"
    )
    zones = [{"label": "Target", "zoneType": "Target", "directionType": "Down",
              "lowerLimitValue": 0, "upperLimitValue": 1000,
              "lowerLimitPoints": 10, "upperLimitPoints": 10}]  # fmt: skip
    api.post(
        f"{PROFILES}/{profile}/metrics",
        json={
            "name": "Handle time",
            "metricDefinitionId": aht["id"],
            "objective": {"zones": zones},
        },
    )
    alice = user_id(emulator, ALICE)
    _assign(api, profile, alice)
    _push(api, definition, alice, TODAY, 5000, 1)
    card = api.get(f"{SCORECARD}/{alice}", params={"workday": TODAY}).json()["entities"]
    assert [(m["metric"]["name"], m["points"]) for m in card] == [
        ("Revenue closed", 50),
        ("Handle time", 10),
    ]
    assert _board(api, filterId=profile)["leaders"][0]["points"] == 60
    assert _board(api, filterId=profile, metricId=metric)["leaders"][0]["points"] == 50


def test_leaderboard_of_the_default_profile_and_a_division(
    api: httpx.Client, emulator: Emulator
) -> None:
    default = emulator.find("profiles", "Default Performance Profile")["id"]
    board = _board(api, filterId=default)
    active = [u for u in emulator.objects("users") if u["state"] == "active"]
    assert len(board["leaders"]) == len(active)
    ranks = [x["rank"] for x in board["leaders"]]
    assert ranks[0] == 1 and ranks == sorted(ranks)
    points = [x["points"] for x in board["leaders"]]
    assert points == sorted(points, reverse=True)
    home = emulator.find("divisions", "Home")["id"]
    by_division = _board(api, filterType="Division", filterId=home)
    assert by_division["division"]["id"] == home
    assert {x["user"]["id"] for x in by_division["leaders"]} == {u["id"] for u in active}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"filterType": "Team"}, 400),
        ({"filterId": ""}, 400),
        ({"startWorkday": "2026-12-01"}, 400),  # after endWorkday
        ({"startWorkday": "2025-01-01"}, 400),  # more than 366 days
        ({"endWorkday": "soon"}, 400),
        ({"filterId": "nope"}, 404),
        ({"metricId": "nope"}, 404),
    ],
)
def test_leaderboard_refuses_bad_queries(
    api: httpx.Client, emulator: Emulator, params: dict[str, str], status: int
) -> None:
    default = emulator.find("profiles", "Default Performance Profile")["id"]
    query = {
        "filterType": "PerformanceProfile",
        "filterId": default,
        "startWorkday": TODAY,
        "endWorkday": TODAY,
    }
    assert api.get(LEADERBOARD, params={**query, **params}).status_code == status
