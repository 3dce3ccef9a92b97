"""The send loop's failure handling, with a scripted data endpoint.

The script is a list of what each write does; the assertions are about what reaches the
ledger and the outcome, which the script does not decide by itself. Lost answers go through
the real client over an httpx transport: re-sending them is the client's job, not the loop's.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.client import GenesysClient
from reconciler.errors import ApiError, UncertainWriteError
from reconciler.push.changes import Change
from reconciler.push.ledger import Ledger
from reconciler.push.pusher import item, send

DAY = date(2026, 11, 27)


def changes(n: int) -> list[Change]:
    return [
        Change(f"u{i % 7}", DAY - timedelta(days=i // 7), Decimal(i), 1, None, "new")
        for i in range(n)
    ]


class ScriptedData:
    """Answers each write per `script`: "ok", "reject-first", "lost", "api-error"."""

    def __init__(self, *script: str) -> None:
        self.script = list(script)
        self.batches: list[list[dict[str, Any]]] = []

    @property
    def request_count(self) -> int:
        return len(self.batches)

    def write_metric_data(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        assert len(items) <= 100
        self.batches.append(items)
        step = self.script.pop(0) if self.script else "ok"
        if step == "lost":
            raise UncertainWriteError("POST", "/data", None, message="connection dropped")
        if step == "api-error":
            raise ApiError("POST", "/data", 503, code="service.unavailable")
        rejected = items[:1] if step == "reject-first" else []
        return {
            "processedEntities": [dict(i, totalValue=i["value"]) for i in items[len(rejected) :]],
            "unprocessedEntities": [dict(i, code="bad.user", message="no") for i in rejected],
        }


def stored(path: Path, *, known: bool = True) -> int:
    """Ledger points with an acknowledged value (known) or sent without one (not known)."""
    with Ledger(path, readonly=True) as ledger:
        entries = ledger.entries("m", date(2026, 1, 1), date(2026, 12, 31)).values()
        return sum(1 for entry in entries if entry.known == known)


def test_items_are_total_with_exact_numbers_and_null_deletes() -> None:
    change = Change("u", DAY, Decimal("15400.50"), 3, None, "new")
    assert item("m", change) == {
        "metricId": "m",
        "userId": "u",
        "dateOccurred": "2026-11-27",
        "value": 15400.5,
        "count": 3,
        "type": "Total",
    }
    deleted = item("m", Change("u", DAY, None, 0, None, "deleted"))
    assert deleted["value"] is None and "count" not in deleted
    assert item("m", Change("u", DAY, Decimal("12.000"), 1, None, "new"))["value"] == 12


def test_lost_answers_are_resent_because_total_writes_overwrite(tmp_path: Path) -> None:
    batches: list[list[dict[str, Any]]] = []
    lost = 2  # the first two data writes arrive, and their answers are lost

    def genesys(request: httpx.Request) -> httpx.Response:
        nonlocal lost
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 86399})
        items = json.loads(request.content)["items"]
        batches.append(items)
        if lost:
            lost -= 1
            raise httpx.ReadError("connection reset after the request was sent")
        return httpx.Response(200, json={"processedEntities": items, "unprocessedEntities": []})

    client = GenesysClient(
        "http://genesys.test",
        "id",
        "secret",
        transport=httpx.MockTransport(genesys),
        rate_limit_per_minute=None,
        sleep=lambda seconds: None,
    )
    with client, Ledger(tmp_path / "l.sqlite") as ledger:
        outcome = send(client, "m", changes(150), ledger)
    assert len(batches) == 4  # batch 1 three times, batch 2 once
    assert batches[0] == batches[1] == batches[2]
    # The summary's request count is what went over the wire, re-sends included.
    assert outcome.requests == 4
    assert len(outcome.acknowledged) == 150 and not outcome.failed
    assert stored(tmp_path / "l.sqlite") == 150


def test_rejected_and_failed_points_stay_out_of_the_ledger(tmp_path: Path) -> None:
    api = ScriptedData("reject-first", "api-error", "lost")
    with Ledger(tmp_path / "l.sqlite") as ledger:
        outcome = send(api, "m", changes(250), ledger)
    assert [(f.change.user_id, f.code) for f in outcome.rejected] == [("u0", "bad.user")]
    assert {f.code for f in outcome.failed} == {"service.unavailable", "no.answer"}
    assert len(outcome.failed) == 150
    assert stored(tmp_path / "l.sqlite") == 99
    # Sent without an acknowledgement: pending, so the next run sends them whatever it reads.
    assert stored(tmp_path / "l.sqlite", known=False) == 151


def test_the_push_stops_writing_when_the_api_keeps_failing(tmp_path: Path) -> None:
    api = ScriptedData(*["api-error"] * 3)
    with Ledger(tmp_path / "l.sqlite") as ledger:
        outcome = send(api, "m", changes(550), ledger)
    assert len(api.batches) == 3
    assert len(outcome.failed) == 550
    assert {f.code for f in outcome.failed} == {"service.unavailable", "not.sent"}


@pytest.mark.parametrize(("points", "requests"), [(99, 1), (100, 1), (101, 2), (200, 2), (201, 3)])
def test_batches_are_full_hundreds_at_the_boundaries(
    tmp_path: Path, points: int, requests: int
) -> None:
    api = ScriptedData()
    with Ledger(tmp_path / "l.sqlite") as ledger:
        outcome = send(api, "m", changes(points), ledger)
    assert outcome.requests == requests == len(api.batches)
    assert [len(b) for b in api.batches[:-1]] == [100] * (requests - 1)
    assert len(outcome.acknowledged) == points == stored(tmp_path / "l.sqlite")


def test_a_days_total_beyond_what_the_api_holds_is_rejected_without_its_batch(
    tmp_path: Path,
) -> None:
    # Each row fits, their sum does not: sent, it would fail the request and the 99 other points.
    huge = Change("u-big", DAY, Decimal("1.5e308") * 2, 2, None, "new")
    many = Change("u-many", DAY, Decimal(1), 2**31, None, "new")
    api = ScriptedData()
    seen: list[int] = []
    with Ledger(tmp_path / "l.sqlite") as ledger:
        outcome = send(api, "m", [huge, many, *changes(3)], ledger, on_batch=seen.append)
    assert [i["userId"] for i in api.batches[0]] == ["u0", "u1", "u2"]
    assert [(f.change.user_id, f.code) for f in outcome.rejected] == [
        ("u-big", "out.of.range"),
        ("u-many", "out.of.range"),
    ]
    assert len(outcome.acknowledged) == 3 == stored(tmp_path / "l.sqlite")
    assert sum(seen) == 5


def test_a_day_with_a_value_but_no_deals_is_rejected_not_deleted(tmp_path: Path) -> None:
    # With type Total a count of 0 deletes the point ("when total count reaches 0, the metric
    # data will be deleted"): the 500 would vanish while the ledger recorded it as stored.
    lost = Change("u-adj", DAY, Decimal(500), 0, None, "new")
    nothing = Change(
        "u-none", DAY, Decimal(0), 0, None, "new"
    )  # deals cancelled: deleting is right
    api = ScriptedData()
    with Ledger(tmp_path / "l.sqlite") as ledger:
        outcome = send(api, "m", [lost, nothing], ledger)
    assert [i["userId"] for i in api.batches[0]] == ["u-none"]
    assert [(f.change.user_id, f.code) for f in outcome.rejected] == [("u-adj", "count.zero")]
