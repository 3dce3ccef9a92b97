"""The push says what agents will see: a day with several deals scores its average per deal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.push.reader import Columns
from reconciler.push.summary import as_json, render

from .emulated import ALICE, CHLOE, Org, csv_of, make_org


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    made = make_org(tmp_path)
    yield made
    made.client.close()


DEALS = [
    (CHLOE, "2026-11-23T10:00:00Z", "40"),  # Monday: one deal
    (ALICE, "2026-11-24T10:00:00-05:00", "100"),  # Tuesday: two deals, 150 in all
    (ALICE, "2026-11-24T11:00:00-05:00", "50"),
    (ALICE, "2026-11-25T10:00:00-05:00", "1"),  # Wednesday: three deals, 10 in all
    (ALICE, "2026-11-25T11:00:00-05:00", "2"),
    (ALICE, "2026-11-25T12:00:00-05:00", "7"),
]


def test_summary_names_the_per_deal_value_with_the_first_such_day(org: Org) -> None:
    report = org.push(csv_of(*DEALS))
    assert not report.failed, render(report)
    text = render(report)
    assert (
        "agents will see per-deal values: Genesys scores 'Daily_Revenue_Closed' as a day's total "
        "value / count, and 2 point(s) on 2 day(s) count more than one deal;"
    ) in text
    assert (
        f"e.g. {ALICE} on 2026-11-24: 150 over 2 deals shows as 75.00 (per deal, not per day)"
    ) in text
    body = json.loads(as_json(report))
    assert body["perDeal"] == {
        "points": 2,
        "days": 2,
        "example": {
            "agent": ALICE,
            "dateOccurred": "2026-11-24",
            "value": "150",
            "count": 2,
            "scoredValue": "75.00",
        },
    }
    # And it is what Genesys stores and averages: total 150, count 2.
    assert org.stored()[(ALICE, "2026-11-24")] == (150.0, 2)


def test_the_dry_run_says_it_too(org: Org) -> None:
    assert "shows as 75.00" in render(org.push(csv_of(*DEALS), dry_run=True))


def test_no_note_when_every_day_is_one_deal(org: Org) -> None:
    report = org.push(csv_of(DEALS[0], DEALS[1], DEALS[3]))
    assert "per-deal" not in render(report)
    assert json.loads(as_json(report))["perDeal"] is None


def test_a_count_column_of_one_per_day_scores_the_days_total(org: Org) -> None:
    daily = "agent,timestamp,value,deals\n" + (
        f"{ALICE},2026-11-24T10:00:00-05:00,100,1\n{ALICE},2026-11-24T11:00:00-05:00,50,0\n"
    )
    report = org.push(daily, columns=Columns(count="deals"))
    assert not report.failed, render(report)
    assert "per-deal" not in render(report)
    assert org.stored()[(ALICE, "2026-11-24")] == (150.0, 1)
