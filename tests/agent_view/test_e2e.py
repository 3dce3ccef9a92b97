"""Apply, assign, push a day of deals, then see it as agents do: scorecard and leaderboard.

Real commands, real client, the emulator over loopback HTTP; points come from the emulator's
scoring of what the push stored under the zones apply wrote ("$10,000 earns 100 points").
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reconciler.cli import main

from .conftest import Project

ALICE = "alice.nguyen@example.com"  # North America Sales: America/New_York
BEN = "ben.carter@example.com"


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> object:
    capsys.readouterr()
    assert main(argv) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_ten_thousand_earns_one_hundred_and_ranks_first(
    project: Project, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    assert main(project.args("apply", "--auto-approve")) == 0, capsys.readouterr().err
    with project.client() as client:
        profile = next(p for p in client.list_profiles() if p["name"] == "Sales Agents")
        members = [client.find_users_by_email(e)[0]["id"] for e in (ALICE, BEN)]
        result = client.assign_profile_members(profile["id"], assign=members)
        assert result["assignmentErrors"] == []

    # Yesterday in New York: inside the data API's window whatever the hour in UTC.
    day = (datetime.now(ZoneInfo("America/New_York")) - timedelta(days=1)).date()
    deals = project.root / "deals.csv"
    deals.write_text(
        "agent,timestamp,value\n"
        f"{ALICE},{day}T11:00:00-05:00,10000\n"
        f"{BEN},{day}T12:00:00-05:00,5000\n",
        encoding="utf-8",
    )
    push = project.args("push", "--metric", "Daily_Revenue_Closed", "--input", str(deals))
    assert main(push) == 0, capsys.readouterr()

    cards = {}
    for email in (ALICE, BEN):
        card = _json(
            capsys,
            project.args("scorecard", "--agent", email, "--day", str(day), "--format", "json"),
        )
        assert isinstance(card, dict)
        cards[email] = card
        assert card["profile"]["name"] == "Sales Agents"
    revenue = {
        email: next(m for m in card["metrics"] if m["name"] == "Revenue closed")
        for email, card in cards.items()
    }
    assert (revenue[ALICE]["value"], revenue[ALICE]["points"], revenue[ALICE]["maxPoints"]) == (
        10000.0,
        100,
        100,
    )
    assert (revenue[BEN]["value"], revenue[BEN]["points"]) == (5000.0, 50)

    dates = ["--from", str(day), "--to", str(day)]
    by_revenue = _json(
        capsys,
        project.args(
            "leaderboard",
            "--profile",
            "Sales Agents",
            *dates,
            "--metric",
            "Revenue closed",
            "--format",
            "json",
        ),
    )
    assert isinstance(by_revenue, dict)
    assert [(x["rank"], x["agent"], x["points"]) for x in by_revenue["leaders"]] == [
        (1, ALICE, 100),
        (2, BEN, 50),
    ]
    # Over all metrics the board adds up each agent's scorecard (handle time included).
    overall = _json(
        capsys, project.args("leaderboard", "--profile", "Sales Agents", *dates, "--format", "json")
    )
    assert isinstance(overall, dict)
    assert {x["agent"]: x["points"] for x in overall["leaders"]} == {
        email: card["points"] for email, card in cards.items()
    }

    capsys.readouterr()
    assert main(project.args("scorecard", "--agent", ALICE, "--day", str(day))) == 0
    text = capsys.readouterr().out
    assert f"Scorecard of {ALICE} on {day} (profile 'Sales Agents')" in text
    assert "Revenue closed" in text and "10,000.00  100 / 100" in text
    assert (
        main(
            project.args(
                "leaderboard", "--profile", "Sales Agents", *dates, "--metric", "Revenue closed"
            )
        )
        == 0
    )
    board = capsys.readouterr().out.splitlines()
    assert board[0] == f"Leaderboard of 'Sales Agents', {day} (metric 'Revenue closed')"
    assert board[2].split() == ["1", ALICE, "100"] and board[3].split() == ["2", BEN, "50"]
