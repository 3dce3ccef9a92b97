"""The push end to end: real client, emulator in-process (fast) and over loopback (one test).

Every assertion reads what the emulator stored (`data_points()`), never what we sent.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from reconciler.client.retry import RetryPolicy
from reconciler.emulator import Faults
from reconciler.errors import ReconcilerError
from reconciler.push.pusher import PushRequest, run
from reconciler.push.summary import render

from .emulated import ALICE, CHLOE, EMMA, METRIC, NOW, PRIYA, Org, csv_of, make_client, make_org


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    made = make_org(tmp_path)
    yield made
    made.client.close()


def test_friday_2330_in_new_york_lands_on_friday_for_a_new_york_agent(org: Org) -> None:
    friday_evening = "2026-11-27T23:30:00-05:00"  # Saturday 04:30 in UTC
    report = org.push(
        csv_of(
            (ALICE, friday_evening, "1250.50"),
            (CHLOE, friday_evening, "10"),
            (PRIYA, friday_evening, "20"),
            (EMMA, friday_evening, "30"),
        ),
        fallback_zone="America/Los_Angeles",
    )
    assert not report.failed, render(report)
    assert org.stored() == {
        (ALICE, "2026-11-27"): (1250.5, 1),  # Friday in New York
        (CHLOE, "2026-11-28"): (10.0, 1),  # Saturday 04:30 in London
        (PRIYA, "2026-11-28"): (20.0, 1),  # Saturday 10:00 in Kolkata
        (EMMA, "2026-11-27"): (30.0, 1),  # no business unit: Friday 20:30 in Los Angeles
    }


WEEK = [
    (ALICE, "2026-11-24T10:00:00-05:00", "100"),  # Tuesday: two deals
    (ALICE, "2026-11-24T11:00:00-05:00", "50"),
    (ALICE, "2026-11-25T10:00:00-05:00", "30"),  # Wednesday: one deal
    (ALICE, "2026-11-26T10:00:00-05:00", "10"),  # Thursday
    (CHLOE, "2026-11-26T10:00:00Z", "5"),
]


def test_cancelled_deals_correct_their_day_and_a_lone_one_goes_to_zero(org: Org) -> None:
    org.push(csv_of(*WEEK))
    assert org.stored()[(ALICE, "2026-11-24")] == (150.0, 2)
    posts = org.data_posts()
    # Tuesday's 50 and Wednesday's only deal are cancelled in the CRM.
    report = org.push(csv_of(WEEK[0], WEEK[3], WEEK[4]))
    assert not report.failed, render(report)
    assert org.stored() == {
        (ALICE, "2026-11-24"): (100.0, 1),
        (ALICE, "2026-11-25"): (0.0, 1),
        (ALICE, "2026-11-26"): (10.0, 1),
        (CHLOE, "2026-11-26"): (5.0, 1),
    }
    assert org.data_posts() - posts == 1
    assert report.outcome is not None and len(report.outcome.acknowledged) == 2
    assert "zeroed 1" in render(report)


def test_zero_mode_delete_removes_the_point(org: Org) -> None:
    org.push(csv_of(*WEEK))
    org.push(csv_of(WEEK[0], WEEK[1], WEEK[3], WEEK[4]), zero_mode="delete")
    assert (ALICE, "2026-11-25") not in org.stored()
    assert (ALICE, "2026-11-24") in org.stored()


def test_a_second_run_with_the_same_input_sends_nothing(org: Org) -> None:
    first = org.push(csv_of(*WEEK))
    assert first.outcome is not None and len(first.outcome.acknowledged) == 4
    posts = org.data_posts()
    second = org.push(csv_of(*WEEK))
    assert org.data_posts() == posts
    assert second.diff.unchanged == 4 and not second.diff.changes
    full = org.push(csv_of(*WEEK), full=True)
    assert org.data_posts() == posts + 1
    assert full.outcome is not None and len(full.outcome.acknowledged) == 4


def test_days_before_the_input_are_not_zeroed(org: Org) -> None:
    org.push(csv_of(*WEEK))
    org.push(csv_of((ALICE, "2026-11-27T10:00:00-05:00", "7")))  # only Friday's export
    assert org.stored()[(ALICE, "2026-11-24")] == (150.0, 2)
    assert org.stored()[(ALICE, "2026-11-27")] == (7.0, 1)


def many_points() -> str:
    """5 agents x 41 days (3 of them outside the API window): 190 points to send."""
    agents = ["alice.nguyen", "ben.carter", "chloe.davies", "priya.sharma", "emma.stone"]
    rows = []
    first = date(2026, 11, 20)
    for offset in range(41):
        day = first + timedelta(days=offset)
        for n, agent in enumerate(agents):
            rows.append((f"{agent}@example.com", f"{day}T12:00:00Z", str(offset * 10 + n)))
    return csv_of(*rows)


class KilledAfter:
    """The real client, but the process 'dies' (an exception) after `batches` data writes.

    `after_send`: the next write still reaches Genesys; the process dies before its answer.
    """

    def __init__(self, client: Any, batches: int, *, after_send: bool = False) -> None:
        self._client = client
        self._left = batches
        self._after_send = after_send

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def write_metric_data(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        if self._left == 0:
            if self._after_send:
                self._client.write_metric_data(items)
            raise KeyboardInterrupt
        self._left -= 1
        return dict(self._client.write_metric_data(items))


def clean_state(tmp_path: Path) -> dict[tuple[str, str], tuple[float, int]]:
    clean = make_org(tmp_path / "clean")
    (tmp_path / "clean").mkdir()
    report = clean.push(many_points())
    assert report.outcome is not None and report.outcome.requests == 2
    assert len(report.collected.skipped.groups) == 3  # 2026-11-20 ... 22
    return clean.stored()


def test_a_run_killed_after_one_batch_and_rerun_matches_a_clean_run(
    org: Org, tmp_path: Path
) -> None:
    with pytest.raises(KeyboardInterrupt):
        org.push(many_points(), client=KilledAfter(org.client, 1))
    assert len(org.stored()) == 100
    posts = org.data_posts()
    report = org.push(many_points())
    assert report.outcome is not None and len(report.outcome.acknowledged) == 90
    assert report.diff.unchanged == 100
    assert org.data_posts() - posts == 1
    assert org.stored() == clean_state(tmp_path)


class FaultyWrites:
    """The real client; the emulator starts dropping connections at the first data write.

    Reads before that are clean, so the failures land exactly on the batches. The client does
    not retry (attempts=1), so every fault is a batch the pusher sees fail.
    """

    def __init__(self, org: Org, faults: Faults) -> None:
        self._org = org
        self._faults: Faults | None = faults
        self._client = make_client(org.emulator, retry=RetryPolicy(attempts=1))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def write_metric_data(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        if self._faults is not None:
            self._org.emulator.set_faults(self._faults)
            self._faults = None
        return dict(self._client.write_metric_data(items))


@pytest.mark.parametrize(
    "faults",
    [Faults(lost_response_rate=1.0), Faults(drop_rate=1.0), Faults(lost_response_rate=0.5, seed=1)],
    ids=["lost-responses", "dropped", "half-lost"],
)
def test_lost_or_dropped_writes_then_a_rerun_match_a_clean_run(
    org: Org, tmp_path: Path, faults: Faults
) -> None:
    first = org.push(many_points(), client=FaultyWrites(org, faults))
    assert first.failed and first.outcome is not None and first.outcome.failed
    assert not first.outcome.rejected
    if faults.lost_response_rate == 0.5:  # one batch through, one answered by a closed socket
        assert len(first.outcome.acknowledged) == 100 and len(first.outcome.failed) == 90
    org.emulator.set_faults(Faults())
    second = org.push(many_points())
    assert not second.failed, render(second)
    assert second.outcome is not None
    assert len(second.outcome.acknowledged) == len(first.outcome.failed)
    assert org.stored() == clean_state(tmp_path)
    third = org.push(many_points())
    assert not third.diff.changes


def test_points_the_api_rejects_are_reported_and_retried_next_run(org: Org) -> None:
    org.clock[0] = NOW + timedelta(days=2)  # the server's today is two days later
    report = org.push(csv_of(*WEEK))
    assert report.failed and report.outcome is not None
    rejected = {(f.change.day.isoformat(), f.code) for f in report.outcome.rejected}
    assert rejected == {
        ("2026-11-24", "employee.performance.external.metric.data.date.out.of.range")
    }
    assert (
        "rejected: 1 point(s) (employee.performance.external.metric.data.date.out.of.range x1)"
        in render(report)
    )
    assert (ALICE, "2026-11-24") not in org.stored()
    org.clock[0] = NOW
    again = org.push(csv_of(*WEEK))
    assert again.outcome is not None and [
        c.day.isoformat() for c in again.outcome.acknowledged
    ] == ["2026-11-24"]
    assert org.stored()[(ALICE, "2026-11-24")] == (150.0, 2)


BAD_CSV = (
    "\ufeffagent,timestamp,value\r\n"
    f"{ALICE},2026-11-27T10:00:00-05:00,100\r\n"
    f"{ALICE},yesterday,5\r\n"
    f"{ALICE},2026-11-26T10:00:00-05:00,12k\r\n"
    f"{ALICE},2026-11-25T10:00:00-05:00\r\n"
    f"nobody@example.com,2026-11-25T10:00:00-05:00,3\r\n"
    f"{CHLOE},2026-11-27T10:00:00Z,40\r\n"
)


def test_malformed_rows_are_numbered_and_good_rows_go_through(org: Org) -> None:
    report = org.push(BAD_CSV)
    assert report.failed
    assert org.stored() == {(ALICE, "2026-11-27"): (100.0, 1), (CHLOE, "2026-11-27"): (40.0, 1)}
    text = render(report)
    assert "unreadable: line 3: bad timestamp" in text
    assert "unreadable: line 4: value '12k' is not a number" in text
    assert "unreadable: line 5: missing value" in text
    assert "skipped: unknown agent 'nobody@example.com': 1 row(s), line(s) 6" in text
    again = org.push(BAD_CSV)  # the good rows are in the ledger: nothing to send
    assert not again.diff.changes


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("agent,timestamp,value,agent", "duplicate column(s) in the header: agent"),
        ("agent,when,value", "missing column(s) timestamp"),
    ],
)
def test_bad_headers_stop_before_anything_is_sent(org: Org, header: str, message: str) -> None:
    with pytest.raises(ReconcilerError, match=message.replace("(", r"\(").replace(")", r"\)")):
        org.push(f"{header}\n{ALICE},2026-11-27T10:00:00Z,1,x\n")
    assert org.data_posts() == 0


def test_dry_run_sends_and_records_nothing(org: Org) -> None:
    org.push(csv_of(*WEEK))
    posts = org.data_posts()
    report = org.push(csv_of(WEEK[0], WEEK[3], WEEK[4]), dry_run=True)
    text = render(report)
    assert org.data_posts() == posts
    assert "~ 2026-11-24  alice.nguyen@example.com" in text
    assert "150 (2) -> 100 (1)" in text
    assert "0 2026-11-25" in text and "[no deals any more]" in text
    again = org.push(csv_of(WEEK[0], WEEK[3], WEEK[4]), dry_run=True)
    assert len(again.diff.changes) == 2
    fresh = org.push(csv_of(*WEEK), dry_run=True, ledger_path=org.tmp / "none" / "l.sqlite")
    assert not (org.tmp / "none").exists() and len(fresh.diff.changes) == 4


def test_unknown_metric_is_a_clear_error(org: Org) -> None:
    with pytest.raises(
        ReconcilerError,
        match=f"no external metric named 'daily_revenue_closed'. Did you mean '{METRIC}'",
    ):
        org.push(csv_of(*WEEK), metric="daily_revenue_closed")


def test_progress_hears_of_every_point_in_batches(org: Org) -> None:
    seen: list[int] = []
    totals: list[int] = []

    def progress(total: int) -> Any:
        totals.append(total)
        return seen.append

    path = org.tmp / "deals.csv"
    path.write_text(many_points())
    run(
        org.client,
        PushRequest(METRIC, str(path), org.tmp / "l.sqlite"),
        now=lambda: NOW,
        progress=progress,
    )
    assert totals == [190] and seen == [100, 90]


def test_explicit_from_to_zeroes_days_the_export_no_longer_mentions(org: Org) -> None:
    org.push(csv_of(*WEEK))
    friday_only = csv_of((ALICE, "2026-11-27T10:00:00-05:00", "7"))
    report = org.push(friday_only, period=(date(2026, 11, 24), date(2026, 11, 27)))
    assert not report.failed, render(report)
    assert org.stored() == {
        (ALICE, "2026-11-24"): (0.0, 1),
        (ALICE, "2026-11-25"): (0.0, 1),
        (ALICE, "2026-11-26"): (0.0, 1),
        (ALICE, "2026-11-27"): (7.0, 1),
        (CHLOE, "2026-11-26"): (0.0, 1),
    }


def test_a_ledger_that_cannot_be_written_stops_the_push_before_any_write(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read-only file (root ignores chmod, so open it read-only the way SQLite would find it):
    # the push must fail before it writes to the API, not after its first batch.
    org.push(csv_of(*WEEK))
    posts = org.data_posts()
    connect = sqlite3.connect
    monkeypatch.setattr(
        sqlite3,
        "connect",
        lambda path, **options: connect(f"{Path(path).as_uri()}?mode=ro", uri=True, **options),
    )
    with pytest.raises(ReconcilerError, match=r"cannot open ledger .*readonly"):
        org.push(csv_of(WEEK[0]))
    assert org.data_posts() == posts


@pytest.mark.parametrize("killed", [False, True], ids=["answer-lost", "killed-after-send"])
def test_a_write_that_landed_unacknowledged_is_resent_even_when_the_input_reverts(
    org: Org, killed: bool
) -> None:
    # Tuesday goes 150 -> 100, but the answer is lost (or the run dies right after sending):
    # Genesys holds 100, the ledger still says 150. When the CRM reverts to 150, the point
    # must be sent again; comparing with the stale ledger value would leave 100 forever.
    org.push(csv_of(*WEEK))
    changed = csv_of(WEEK[0], *WEEK[2:])
    if killed:
        with pytest.raises(KeyboardInterrupt):
            org.push(changed, client=KilledAfter(org.client, 0, after_send=True))
    else:
        first = org.push(changed, client=FaultyWrites(org, Faults(lost_response_rate=1.0)))
        assert first.outcome is not None and first.outcome.failed
        org.emulator.set_faults(Faults())
    assert org.stored()[(ALICE, "2026-11-24")] == (100.0, 1)
    dry = render(org.push(csv_of(*WEEK), dry_run=True))
    assert "~ 2026-11-24  alice.nguyen@example.com         ? -> 150 (2)" in dry
    again = org.push(csv_of(*WEEK))
    assert not again.failed, render(again)
    assert org.stored()[(ALICE, "2026-11-24")] == (150.0, 2)
    assert not org.push(csv_of(*WEEK)).diff.changes


def test_the_summary_counts_every_request_sent_re_sends_included(org: Org) -> None:
    # Every other answer is lost: the client re-sends those batches (Total overwrites).
    org.emulator.set_faults(Faults(lost_response_rate=0.5, seed=3))
    before = org.data_posts()
    report = org.push(many_points())
    sent = org.data_posts() - before
    assert not report.failed, render(report)
    assert sent > 2  # two batches, and at least one of them went twice
    assert report.outcome is not None and report.outcome.requests == sent
    assert f"; {sent} request(s)" in render(report)
