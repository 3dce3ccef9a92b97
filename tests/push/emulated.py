"""An in-process emulator and a real client around it, with a fixed clock on both sides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reconciler.client import GenesysClient
from reconciler.client.retry import RetryPolicy
from reconciler.emulator import Emulator
from reconciler.push.pusher import PushReport, PushRequest, run
from reconciler.push.reader import Columns

# Monday 2026-11-30 12:00 UTC: the API window is 2026-11-23 ... 2026-12-30.
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
DATA_PATH = "/api/v2/employeeperformance/externalmetrics/data"
METRIC = "Daily_Revenue_Closed"
# Seeded users (reconciler/emulator/seed.py): business unit zones.
ALICE = "alice.nguyen@example.com"  # America/New_York
CHLOE = "chloe.davies@example.com"  # Europe/London
PRIYA = "priya.sharma@example.com"  # Asia/Kolkata
EMMA = "emma.stone@example.com"  # no business unit: the fallback zone


def make_client(emulator: Emulator, **options: Any) -> GenesysClient:
    return GenesysClient(
        "http://emulator.invalid",
        "reconciler-local",
        "emulator-secret",
        transport=emulator.transport(),
        rate_limit_per_minute=None,
        sleep=lambda _seconds: None,
        retry=options.pop("retry", RetryPolicy(attempts=3)),
        **options,
    )


def create_metric(client: GenesysClient, name: str = METRIC) -> str:
    body = {
        "name": name,
        "unit": "Currency",
        "precision": 2,
        "defaultObjectiveType": "HigherIsBetter",
        "enabled": True,
    }
    return str(client.create_external_metric(body)["id"])


@dataclass
class Org:
    emulator: Emulator
    client: GenesysClient
    metric_id: str
    tmp: Path
    clock: list[datetime]

    def emails(self) -> dict[str, str]:
        return {str(u["id"]): str(u["email"]) for u in self.client.list_users()}

    def stored(self) -> dict[tuple[str, str], tuple[float, int]]:
        """(email, day) -> (value, count) for every stored point of the metric."""
        emails = self.emails()
        return {
            (emails[p["userId"]], p["dateOccurred"]): (p["value"], p["count"])
            for p in self.emulator.data_points()
            if p["metricId"] == self.metric_id
        }

    def data_posts(self) -> int:
        return self.emulator.count("POST", DATA_PATH)

    def push(
        self,
        csv_text: str,
        client: Any = None,
        now: Callable[[], datetime] | None = None,
        **fields: Any,
    ) -> PushReport:
        path = self.tmp / "deals.csv"
        path.write_text(csv_text, encoding="utf-8", newline="")
        request = PushRequest(
            metric=fields.pop("metric", METRIC),
            input=str(path),
            ledger_path=fields.pop("ledger_path", self.tmp / "ledger.sqlite"),
            fallback_zone=fields.pop("fallback_zone", "UTC"),
            columns=fields.pop("columns", Columns()),
            **fields,
        )
        return run(client or self.client, request, now=now or (lambda: NOW))


def make_org(tmp: Path) -> Org:
    clock = [NOW]
    emulator = Emulator(now=lambda: clock[0])
    client = make_client(emulator)
    return Org(emulator, client, create_metric(client), tmp, clock)


def csv_of(*rows: tuple[str, str, str]) -> str:
    return "agent,timestamp,value\n" + "".join(f"{a},{t},{v}\n" for a, t, v in rows)
