"""Send changes to the data API and record what it acknowledged; the whole push as one call.

Writes are batches of at most 100 items with `type: Total`, so each item overwrites its
(metric, user, day) point. That makes a batch idempotent, and the client re-sends it when its
answer is lost (`GenesysClient.write_metric_data` marks all-Total writes safe to retry); a batch
still unanswered after the client's bounded retries is reported as not acknowledged. Only
items echoed in `processedEntities` reach the ledger; `unprocessedEntities` are reported with
their codes, and items of a batch that failed are reported as not acknowledged — both are
retried by the next run because the ledger still holds the old value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Protocol

from ..errors import ApiError, ReconcilerError
from .agents import AgentDirectory, load_mapping
from .changes import Change, Collected, Diff, Window, ZeroMode, collect, diff
from .ledger import Acknowledged, LedgerStore
from .ledgers import open_ledger
from .lost import LostLedger, lost_ledger, rebuild_entries
from .reader import MAX_COUNT, MAX_VALUE, Columns, InputFormat
from .sources import Source
from .sources.files import FileSource
from .zones import ZoneMap, fetch_user_zones, zone

BATCH_SIZE = 100
# Consecutive failed batches after which the API is taken to be down and the push stops.
MAX_FAILED_BATCHES = 3


class DataWriter(Protocol):
    def write_metric_data(self, items: list[dict[str, Any]]) -> dict[str, Any]: ...

    # Requests the client has put on the wire, re-sends included: the summary's count.
    @property
    def request_count(self) -> int: ...


class PushClient(DataWriter, Protocol):
    def list_external_metrics(self) -> list[dict[str, Any]]: ...
    def list_users(self) -> list[dict[str, Any]]: ...
    def list_business_units(self) -> list[dict[str, Any]]: ...
    def get_business_unit_time_zone(self, bu_id: str) -> str: ...
    def list_business_unit_users(self, bu_id: str) -> list[dict[str, Any]]: ...
    def map(self, fn: Any, items: Any) -> list[Any]: ...


@dataclass(frozen=True)
class Failure:
    change: Change
    code: str
    message: str


@dataclass
class Outcome:
    requests: int = 0  # data requests sent, each re-send of a batch counted
    acknowledged: list[Change] = field(default_factory=list)
    rejected: list[Failure] = field(default_factory=list)  # unprocessedEntities
    failed: list[Failure] = field(default_factory=list)  # never acknowledged


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def item(metric_id: str, change: Change) -> dict[str, Any]:
    body: dict[str, Any] = {
        "metricId": metric_id,
        "userId": change.user_id,
        "dateOccurred": change.day.isoformat(),
        "value": None if change.value is None else _json_number(change.value),
        "type": "Total",
    }
    if change.value is not None:
        body["count"] = change.count
    return body


def send(
    client: DataWriter,
    metric_id: str,
    changes: Sequence[Change],
    ledger: LedgerStore | None,
    *,
    on_batch: Callable[[int], None] | None = None,
) -> Outcome:
    """Write `changes` in batches; record each acknowledged batch in `ledger` straight away."""
    outcome = Outcome()
    failed_in_a_row = 0
    fits: list[Change] = []
    for change in changes:
        unsendable = _unsendable(change)
        if unsendable is None:
            fits.append(change)
        else:
            outcome.rejected.append(Failure(change, *unsendable))
    if on_batch is not None and len(fits) < len(changes):
        on_batch(len(changes) - len(fits))
    changes = fits
    for start in range(0, len(changes), BATCH_SIZE):
        batch = changes[start : start + BATCH_SIZE]
        if failed_in_a_row >= MAX_FAILED_BATCHES:
            reason = f"not sent: stopped after {MAX_FAILED_BATCHES} failed requests in a row"
            outcome.failed.extend(Failure(c, "not.sent", reason) for c in batch)
        else:
            if ledger is not None:  # the write may land even if its answer never comes
                ledger.mark_pending(metric_id, ((c.user_id, c.day) for c in batch))
            response = _write(client, metric_id, batch, outcome)
            if response is None:
                failed_in_a_row += 1
            else:
                failed_in_a_row = 0
                acknowledged = _settle(batch, response, outcome)
                if ledger is not None and acknowledged:
                    ledger.record(
                        metric_id,
                        (Acknowledged(c.user_id, c.day, c.value, c.count) for c in acknowledged),
                    )
        if on_batch is not None:
            on_batch(len(batch))
    return outcome


def _unsendable(change: Change) -> tuple[str, str] | None:
    """Why a point must not be sent: (code, message), or None when it can be."""
    value = change.value
    if value is None:
        return None
    # Every row fits the API (reader), but a day's sum may not; sent, it would fail its batch.
    if value.copy_abs() > MAX_VALUE or change.count > MAX_COUNT:
        return (
            "out.of.range",
            "the day's total does not fit the API (value a double, count an int32)",
        )
    # A total count of 0 deletes the point: the value would be lost, not stored.
    if change.count == 0 and value != 0:
        return "count.zero", f"a count of 0 would delete the day's value {value:f} in Genesys"
    return None


def _write(
    client: DataWriter, metric_id: str, batch: Sequence[Change], outcome: Outcome
) -> dict[str, Any] | None:
    # The client re-sends a batch whose answer was lost; its counter sees every attempt.
    # Writes are sequential, so the difference is this batch's requests alone.
    before = client.request_count
    try:
        return client.write_metric_data([item(metric_id, change) for change in batch])
    except ApiError as error:
        code = error.code or str(error.status or "no.answer")
        outcome.failed.extend(Failure(change, code, str(error)) for change in batch)
        return None
    finally:
        outcome.requests += client.request_count - before


def _echo_key(echoed: dict[str, Any]) -> tuple[str, str]:
    # The echo's date format is undocumented; a date-time echo still names the same day.
    return str(echoed.get("userId")), str(echoed.get("dateOccurred") or "")[:10]


def _settle(batch: Sequence[Change], response: dict[str, Any], outcome: Outcome) -> list[Change]:
    """Sort a batch into acknowledged / rejected / unanswered by the response's echoes."""
    by_key = {(c.user_id, c.day.isoformat()): c for c in batch}
    acknowledged: list[Change] = []
    for echoed in response.get("processedEntities") or []:
        change = by_key.pop(_echo_key(echoed), None)
        if change is not None:
            acknowledged.append(change)
    for echoed in response.get("unprocessedEntities") or []:
        change = by_key.pop(_echo_key(echoed), None)
        if change is not None:
            outcome.rejected.append(
                Failure(change, str(echoed.get("code")), str(echoed.get("message") or ""))
            )
    for change in by_key.values():
        outcome.failed.append(Failure(change, "not.echoed", "missing from the API's answer"))
    outcome.acknowledged.extend(acknowledged)
    return acknowledged


def resolve_metric(client: PushClient, name: str) -> dict[str, Any]:
    metrics = client.list_external_metrics()
    for metric in metrics:
        if metric.get("name") == name:
            return metric
    names = sorted(str(m.get("name")) for m in metrics)
    close = [n for n in names if n.lower() == name.lower()]
    hint = f" Did you mean {close[0]!r}?" if close else ""
    known = ", ".join(names) if names else "none"
    raise ReconcilerError(f"no external metric named {name!r}.{hint} (defined: {known})")


@dataclass(frozen=True)
class PushRequest:
    metric: str
    input: str  # a file (`-`: stdin) when `source` is None
    ledger_path: Path | str  # a SQLite file, or a postgresql:// URL
    fallback_zone: str = "UTC"
    columns: Columns = field(default_factory=Columns)
    source_tz: str | None = None
    input_format: InputFormat | None = None
    mapping: Path | None = None
    full: bool = False
    zero_mode: ZeroMode = "zero"
    dry_run: bool = False
    period: tuple[date, date] | None = None
    source: Source | None = None  # a query (Salesforce, SQL) instead of `input`
    rebuild: bool = False  # every user's covered day is unknown: see the `lost` module

    def rows_source(self, stdin: IO[bytes] | None = None) -> Source:
        if self.source is not None:
            return self.source
        return FileSource(self.input, self.input_format, stdin)


@dataclass
class PushReport:
    request: PushRequest
    metric_id: str
    collected: Collected
    diff: Diff
    labels: dict[str, str]
    outcome: Outcome | None  # None on a dry run
    source: str = ""  # what was read (Source.label)
    unit: str = "line"  # what a row number counts (Source.unit)
    ledger: str = ""  # where the ledger is (no password)
    lost: LostLedger | None = None

    @property
    def failed(self) -> bool:
        """Exit 1: something was unreadable, unmatched, rejected or never acknowledged, or
        the ledger was lost (stale days may remain that this run could not correct)."""
        c = self.collected
        sent_badly = self.outcome is not None and (self.outcome.rejected or self.outcome.failed)
        lost = self.lost is not None and not self.lost.rebuilt
        return bool(c.error_count or c.unknown_agents or sent_badly or lost)


def utc_now() -> datetime:
    return datetime.now(UTC)


def run(
    client: PushClient,
    request: PushRequest,
    *,
    now: Callable[[], datetime] = utc_now,
    stdin: IO[bytes] | None = None,
    progress: Callable[[int], Any] | None = None,
) -> PushReport:
    """Resolve, read, aggregate, diff against the ledger and (unless dry-run) send.

    `progress(total)` is called once with the number of points to send and returns a callable
    that receives the size of each finished batch (e.g. a progress bar's `update`).
    """
    source_tz = zone(request.source_tz) if request.source_tz else None
    zones_fallback = zone(request.fallback_zone)
    mapping = load_mapping(request.mapping) if request.mapping else None
    metric = resolve_metric(client, request.metric)
    metric_id = str(metric["id"])
    users = client.list_users()
    directory = AgentDirectory(users, mapping)
    zones = ZoneMap(fetch_user_zones(client), zones_fallback.key)
    window = Window.api(now())
    period = Window(*request.period) if request.period else None
    source = request.rows_source(stdin)
    collected = collect(source.rows(request.columns, source_tz), directory, zones, window, period)
    labels = {str(u["id"]): str(u.get("email") or u.get("name") or u["id"]) for u in users}
    ledger = open_ledger(request.ledger_path, readonly=request.dry_run)
    try:
        # Held from the first read to the last write: see the `ledger` module.
        ledger.lock(metric_id)
        lost = lost_ledger(
            metric, ledger.knows(metric_id), ledger.label, collected.covered, request.rebuild
        )
        entries = ledger.entries(metric_id, window.first, window.last)
        if request.rebuild:
            entries = rebuild_entries(entries, labels.keys(), collected.covered)
        changes = diff(collected, entries, full=request.full, zero_mode=request.zero_mode)
        outcome = None
        if not request.dry_run:
            on_batch = progress(len(changes.changes)) if progress and changes.changes else None
            outcome = send(client, metric_id, changes.changes, ledger, on_batch=on_batch)
    finally:
        ledger.close()
    return PushReport(
        request,
        metric_id,
        collected,
        changes,
        labels,
        outcome,
        source=source.label,
        unit=source.unit,
        ledger=ledger.label,
        lost=lost,
    )
