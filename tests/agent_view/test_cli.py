"""`reconciler scorecard` and `leaderboard`: names resolved to exactly one object, clean errors."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from reconciler.agent_view import (
    Leader,
    MetricLine,
    Scorecard,
    Standings,
    render_scorecard,
    render_standings,
)
from reconciler.cli import main

from .conftest import Project

ALICE = "alice.nguyen@example.com"
DEFAULT = "Default Performance Profile"


def _run(project: Project, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(project.args(*argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_scorecard_of_the_default_profile_defaults_to_today_in_the_environments_zone(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    before = datetime.now(ZoneInfo("America/New_York")).date()
    code, out, err = _run(
        project, capsys, "scorecard", "--agent", ALICE.upper(), "--format", "json"
    )
    after = datetime.now(ZoneInfo("America/New_York")).date()
    assert code == 0, err
    card = json.loads(out)
    assert card["workday"] in {before.isoformat(), after.isoformat()}
    assert card["agent"] == ALICE and card["profile"]["name"] == DEFAULT
    names = [m["name"] for m in card["metrics"]]
    assert names == ["Average Handle Time", "Quality Evaluation Score", "Adherence"]
    assert card["points"] == sum(m["points"] for m in card["metrics"])
    assert card["maxPoints"] == 300


def test_leaderboard_of_the_default_profile_ranks_every_active_agent(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        project, capsys, "leaderboard", "--profile", DEFAULT, "--from", "2026-11-23",
        "--to", "2026-11-29", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    board = json.loads(out)
    assert (board["from"], board["to"], board["metric"]) == ("2026-11-23", "2026-11-29", None)
    assert len(board["leaders"]) == 7  # the seeded active users
    assert all(x["agent"].endswith("@example.com") for x in board["leaders"])
    points = [x["points"] for x in board["leaders"]]
    assert points == sorted(points, reverse=True) and board["leaders"][0]["rank"] == 1


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (
            ("scorecard", "--agent", "nobody@example.com"),
            1,
            "Error: no Genesys user has the e-mail 'nobody@example.com'",
        ),
        (
            ("leaderboard", "--profile", "Sales"),
            1,
            "Error: no performance profile named 'Sales'. "
            "(profiles: 'Default Performance Profile')",
        ),
        (
            ("leaderboard", "--profile", "default performance profile"),
            1,
            "Did you mean 'Default Performance Profile'?",
        ),
        (
            ("leaderboard", "--profile", DEFAULT, "--metric", "Revenue"),
            1,
            "Error: profile 'Default Performance Profile' has no metric named 'Revenue' "
            "(metrics: 'Adherence', 'Average Handle Time', 'Quality Evaluation Score')",
        ),
        (
            ("leaderboard", "--profile", DEFAULT, "--from", "2026-11-30", "--to", "2026-11-29"),
            4,
            "Error: --from 2026-11-30 is after --to 2026-11-29",
        ),
        (("scorecard", "--agent", ALICE, "--day", "30/11/2026"), 4, "--day"),
        (("scorecard",), 4, "--agent"),
    ],
)
def test_errors_are_one_line_without_a_traceback(
    project: Project,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    got, out, err = _run(project, capsys, *argv)
    assert got == code
    assert message in err and "Traceback" not in err
    # One error line (click adds its usage lines to its own usage errors).
    assert [line for line in err.splitlines() if line.startswith("Error:")] == [
        next(line for line in err.splitlines() if message in line)
    ]
    if code == 1:
        assert len(err.strip().splitlines()) == 1
    assert out == ""


def test_two_profiles_of_one_name_are_refused(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    default = project.emulator.find("profiles", DEFAULT)
    twin = {**default, "id": "twin", "selfUri": "/api/v2/gamification/profiles/twin"}
    twin.pop("_default")
    project.emulator.state.kind("profiles")["twin"] = twin
    code, _, err = _run(project, capsys, "leaderboard", "--profile", DEFAULT)
    assert code == 1
    assert "2 performance profiles are named 'Default Performance Profile'" in err


def test_nothing_is_written(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.emulator.reset_log()
    _run(project, capsys, "scorecard", "--agent", ALICE, "--day", "2026-11-30")
    _run(project, capsys, "leaderboard", "--profile", DEFAULT, "--metric", "Adherence")
    writes = [
        r for r in project.emulator.request_log if r.method != "GET" and r.path.startswith("/api/")
    ]
    assert [(r.method, r.path) for r in writes] == [("POST", "/api/v2/users/search")]


CARD = Scorecard(
    agent=ALICE,
    user_id="u1",
    workday=date(2026, 11, 30),
    profile_id="p1",
    profile_name="Sales Agents",
    lines=(
        MetricLine("m1", "Revenue closed", 10000.0, 2, 100, 100),
        MetricLine("m2", "Deals closed", None, 0, 0, 30),
        MetricLine("m3", "Handle time", 340.0, 0, 43, 50),
    ),
)


def test_scorecard_text() -> None:
    assert render_scorecard(CARD) == "\n".join(
        [
            f"Scorecard of {ALICE} on 2026-11-30 (profile 'Sales Agents')",
            "  metric              value  points",
            "  Revenue closed  10,000.00  100 / 100",
            "  Deals closed            -  0 / 30",
            "  Handle time           340  43 / 50",
            "  total                      143 / 180",
        ]
    )
    empty = Scorecard(ALICE, "u1", date(2026, 11, 30), "p1", "Empty", ())
    assert render_scorecard(empty).endswith("no metrics are enabled in this profile")


def test_leaderboard_text() -> None:
    board = Standings(
        "p1",
        "Sales Agents",
        date(2026, 11, 1),
        date(2026, 11, 30),
        None,
        None,
        (
            Leader(1, "u1", ALICE, 1200),
            Leader(1, "u2", "ben.carter@example.com", 1200),
            Leader(3, "u3", "u3", 5),
        ),
    )
    assert render_standings(board) == "\n".join(
        [
            "Leaderboard of 'Sales Agents', 2026-11-01 … 2026-11-30 (all metrics)",
            "  rank  agent                     points",
            "     1  alice.nguyen@example.com    1200",
            "     1  ben.carter@example.com      1200",
            "     3  u3                             5",
        ]
    )
    nobody = Standings(
        "p1", "Sales Agents", date(2026, 11, 30), date(2026, 11, 30), "m", "Revenue", ()
    )
    assert render_standings(nobody) == (
        "Leaderboard of 'Sales Agents', 2026-11-30 (metric 'Revenue')\n"
        "  no agents are ranked (the profile has no members)"
    )
