"""Membership, groups, scorecards and leaderboards: the real client against the emulator.

Each test runs twice: on the in-process transport and over real loopback HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import httpx
import pytest

from reconciler.client import GenesysClient, RetryPolicy
from reconciler.emulator import Emulator, Faults, serve

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
DAY = NOW.date()
ALICE = "alice.nguyen@example.com"
BEN = "ben.carter@example.com"
FAST = RetryPolicy(attempts=6, total_seconds=10, base_delay=0.001, max_delay=0.01)


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(now=lambda: NOW, agents=200)


def _client(url: str, transport: httpx.BaseTransport | None = None) -> GenesysClient:
    return GenesysClient(
        url,
        "reconciler-local",
        "emulator-secret",
        transport=transport,
        rate_limit_per_minute=None,
        retry=FAST,
        sleep=lambda _seconds: None,
    )


@pytest.fixture(params=["in-process", "loopback"])
def client(request: pytest.FixtureRequest, emulator: Emulator) -> Iterator[GenesysClient]:
    if request.param == "in-process":
        with _client("http://emulator.invalid", emulator.transport()) as made:
            yield made
    else:
        with serve(emulator) as server, _client(server.url) as made:
            yield made


def _revenue_profile(client: GenesysClient) -> tuple[str, str, str]:
    definition = client.create_external_metric(
        {"name": "Daily_Revenue_Closed", "unit": "Currency", "precision": 2,
         "defaultObjectiveType": "HigherIsBetter", "enabled": True}
    )  # fmt: skip
    profile = client.create_profile(
        {"name": "Sales Agents", "description": "Sales", "division": client.get_home_division(),
         "reportingIntervals": [{"intervalType": "Day", "intervalValue": 30}],
         "active": True, "maxLeaderboardRankSize": 25}
    )  # fmt: skip
    zones = [
        {"label": "Below target", "zoneType": "Good", "directionType": "Up",
         "lowerLimitValue": 0, "upperLimitValue": 10000,
         "lowerLimitPoints": 0, "upperLimitPoints": 100},
        {"label": "Target", "zoneType": "Target", "directionType": "Up",
         "lowerLimitValue": 10000, "lowerLimitPoints": 100, "upperLimitPoints": 100},
    ]  # fmt: skip
    metric = client.create_profile_metric(
        profile["id"],
        {"name": "Revenue closed", "externalMetricDefinitionId": definition["id"],
         "objective": {"zones": zones, "enabled": True, "dateStart": "2026-11-01"}},
    )  # fmt: skip
    return profile["id"], metric["id"], definition["id"]


def _user(client: GenesysClient, email: str) -> str:
    (found,) = client.find_users_by_email(email)
    return str(found["id"])


def test_find_users_by_email(client: GenesysClient) -> None:
    assert client.find_users_by_email("Alice.Nguyen@example.com")[0]["email"] == ALICE
    assert client.find_users_by_email("nobody@example.com") == []


def test_assign_validate_and_list_members(client: GenesysClient) -> None:
    profile, _, _ = _revenue_profile(client)
    alice, ben = _user(client, ALICE), _user(client, BEN)
    before = client.validate_profile_members(profile, [alice, ben])
    assert {m["id"] for m in before["membersNotAssigned"]} == {alice, ben}
    result = client.assign_profile_members(profile, assign=[alice, ben])
    assert {m["id"] for m in result["assignedMembers"]} == {alice, ben}
    assert result["assignmentErrors"] == []
    assert {m["id"] for m in client.list_profile_members(profile)} == {alice, ben}
    assert client.get_user_profile(alice)["id"] == profile
    client.assign_profile_members(profile, remove=[ben])
    assert [m["id"] for m in client.list_profile_members(profile)] == [alice]
    default = next(p for p in client.list_profiles() if p["name"] != "Sales Agents")
    elsewhere = client.validate_profile_members(default["id"], [alice])
    assert elsewhere["membersAlreadyAssignedToOther"][0]["currentProfile"]["id"] == profile


def test_groups_and_their_members_walk_every_page(client: GenesysClient) -> None:
    groups = {g["name"]: g for g in client.list_groups()}
    assert set(groups) == {"Sales Floor East", "Sales Floor West"}
    east = client.list_group_members(groups["Sales Floor East"]["id"])
    # 2 seeded members and the 67 extra agents of North America Sales: more than one page.
    assert len(east) == groups["Sales Floor East"]["memberCount"] == 69
    assert len({u["id"] for u in east}) == 69 and ALICE in {u["email"] for u in east}


def test_scorecard_and_leaderboard_after_a_push(client: GenesysClient) -> None:
    profile, metric, definition = _revenue_profile(client)
    alice, ben = _user(client, ALICE), _user(client, BEN)
    client.assign_profile_members(profile, assign=[alice, ben])
    client.write_metric_data(
        [
            {"metricId": definition, "userId": alice, "dateOccurred": "2026-11-30",
             "value": 5000, "count": 1, "type": "Total"},
            {"metricId": definition, "userId": ben, "dateOccurred": "2026-11-30",
             "value": 30000, "count": 3, "type": "Total"},
        ]
    )  # fmt: skip
    (ben_card,) = client.get_user_scorecard(ben, DAY)
    assert (ben_card["value"], ben_card["points"], ben_card["maxPoints"]) == (10000.0, 100, 100)
    assert ben_card["objective"]["zones"][0]["upperLimitValue"] == 10000
    board = client.get_profile_leaderboard(profile, date(2026, 11, 24), DAY)
    assert [(x["user"]["id"], x["rank"], x["points"]) for x in board["leaders"]] == [
        (ben, 1, 100),
        (alice, 2, 50),
    ]
    one = client.get_profile_leaderboard(profile, DAY, DAY, metric_id=metric)
    assert one["metric"]["id"] == metric


def test_member_writes_survive_lost_answers(emulator: Emulator, client: GenesysClient) -> None:
    profile, _, _ = _revenue_profile(client)
    alice = _user(client, ALICE)
    # Each answer is lost once: the client sends the same sets again (no UncertainWriteError).
    emulator.set_faults(Faults(lost_response_rate=0.5, seed=1))
    for _ in range(3):
        client.assign_profile_members(profile, assign=[alice])
        client.validate_profile_members(profile, [alice])
    emulator.set_faults(Faults())
    lost = [r for r in emulator.request_log if r.fault == "lost_response"]
    assert lost, "the faults never hit"
    assert [m["id"] for m in client.list_profile_members(profile)] == [alice]
