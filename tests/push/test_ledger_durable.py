"""The ledger in SQLite and PostgreSQL: the same memory, a lock per metric, a loss never silent."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.cli import main
from reconciler.errors import LockedError, ReconcilerError, UsageError
from reconciler.push.ledgers import open_ledger
from reconciler.push.summary import as_json, render

from .emulated import ALICE, CHLOE, Org, csv_of, make_org
from .loopback import loopback_root

WEEK = [
    (ALICE, "2026-11-24T10:00:00-05:00", "100"),
    (ALICE, "2026-11-25T10:00:00-05:00", "30"),  # cancelled later
    (CHLOE, "2026-11-26T10:00:00Z", "5"),
]


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    made = make_org(tmp_path)
    yield made
    made.client.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "ledger.sqlite")
    return str(request.getfixturevalue("pg_url"))


def test_the_ledger_remembers_so_a_cancelled_deal_is_zeroed(org: Org, ledger: str) -> None:
    org.push(csv_of(*WEEK), ledger_path=ledger)
    posts = org.data_posts()
    again = org.push(csv_of(*WEEK), ledger_path=ledger)
    assert org.data_posts() == posts and again.diff.unchanged == 3
    cancelled = org.push(csv_of(WEEK[0], WEEK[2]), ledger_path=ledger)
    assert not cancelled.failed, render(cancelled)
    assert org.stored()[(ALICE, "2026-11-25")] == (0.0, 1)


class Paused:
    """The real client; the first data write waits until the test lets it go."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.writing = threading.Event()
        self.go = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def write_metric_data(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        self.writing.set()
        assert self.go.wait(timeout=30)
        return dict(self._client.write_metric_data(items))


def test_a_second_push_of_the_metric_waits_its_turn(org: Org, ledger: str) -> None:
    paused = Paused(org.client)
    results: list[Any] = []

    def first() -> None:
        try:
            results.append(org.push(csv_of(*WEEK), client=paused, ledger_path=ledger))
        except BaseException as error:  # reported by the assertion below
            results.append(error)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert paused.writing.wait(timeout=30)
        # The first push holds the lock between reading the ledger and its last write.
        with pytest.raises(LockedError, match="is being pushed by"):
            org.push(csv_of(WEEK[0]), ledger_path=ledger)
    finally:
        paused.go.set()
        thread.join(timeout=30)
    assert not isinstance(results[0], BaseException), results
    assert not results[0].failed
    # Released: the next push runs, and its diff sees everything the first one recorded.
    after = org.push(csv_of(*WEEK), ledger_path=ledger)
    assert after.diff.unchanged == 3 and not after.diff.changes


def test_the_lock_is_per_metric_and_gone_with_its_holder(tmp_path: Path, ledger: str) -> None:
    holder = open_ledger(ledger)
    holder.lock("metric-a")
    other = open_ledger(ledger)
    try:
        other.lock("metric-b")  # another metric: no wait
        third = open_ledger(ledger)
        with pytest.raises(LockedError):
            third.lock("metric-a")
        third.close()
    finally:
        other.close()
        holder.close()
    again = open_ledger(ledger)
    again.lock("metric-a")
    again.close()


def test_a_lost_ledger_is_reported_with_what_it_cannot_correct(org: Org, tmp_path: Path) -> None:
    org.push(csv_of(*WEEK))
    # The ledger is lost (a new CI machine); Wednesday's deal is cancelled meanwhile.
    fresh = tmp_path / "new-ledger.sqlite"
    report = org.push(csv_of(WEEK[0], WEEK[2]), ledger_path=fresh)
    assert report.failed and report.lost is not None
    text = render(report)
    assert f"LEDGER LOST: {fresh} has no record of this metric" in text
    assert "Not corrected: in 2026-11-24 … 2026-11-26" in text and "--rebuild" in text
    body = json.loads(as_json(report))
    assert body["ledgerLost"]["notCorrected"] == ["2026-11-24", "2026-11-26"]
    assert org.stored()[(ALICE, "2026-11-25")] == (30.0, 1)  # stale, and now said so
    # The next run knows the metric again: no second report.
    assert org.push(csv_of(WEEK[0], WEEK[2]), ledger_path=fresh).lost is None


def test_rebuild_zeroes_every_covered_day_the_input_lacks(org: Org, tmp_path: Path) -> None:
    org.push(csv_of(*WEEK))
    fresh = tmp_path / "new-ledger.sqlite"
    report = org.push(csv_of(WEEK[0], WEEK[2]), ledger_path=fresh, rebuild=True, zero_mode="delete")
    assert not report.failed, render(report)
    assert report.lost is not None and report.lost.rebuilt
    assert org.stored() == {(ALICE, "2026-11-24"): (100.0, 1), (CHLOE, "2026-11-26"): (5.0, 1)}


def test_a_metric_never_pushed_is_no_lost_ledger(org: Org) -> None:
    report = org.push(csv_of(*WEEK))
    assert report.lost is None and not report.failed


def test_the_cli_exits_1_on_a_lost_ledger_and_writes_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with loopback_root(tmp_path) as (root, _emulator, today):
        deals = root / "deals.csv"
        deals.write_text(f"agent,timestamp,value\n{ALICE},{today},10\n")
        args = ["push", "--root", str(root), "-e", "e2e", "--metric", "Daily_Revenue_Closed"]
        monkeypatch.setenv("RECONCILER_LEDGER", str(root / "first.sqlite"))
        assert main([*args, "--input", str(deals)]) == 0
        assert (root / "first.sqlite").exists()
        report = root / "reports" / "push.json"
        monkeypatch.setenv("RECONCILER_LEDGER", str(root / "second.sqlite"))
        assert main([*args, "--input", str(deals), "--report", str(report)]) == 1
        assert "LEDGER LOST" in capsys.readouterr().out
        assert json.loads(report.read_text())["ledgerLost"]["rebuilt"] is False


def test_a_ledger_url_of_another_database_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="mysql:// is not a ledger location"):
        open_ledger("mysql://host/db")


def test_an_unreachable_postgresql_ledger_is_one_line(org: Org) -> None:
    # Nothing listens on port 1 of the loopback address.
    with pytest.raises(ReconcilerError) as raised:
        org.push(csv_of(*WEEK), ledger_path="postgresql://u:s3cret@127.0.0.1:1/db")
    message = str(raised.value)
    assert message.startswith("cannot open ledger postgresql://u:***@127.0.0.1:1/db: ")
    assert "s3cret" not in message and org.data_posts() == 0
