"""KPI push benchmark: aggregate 1,000,000 CRM rows, then push the points to the emulator.

Prints the CPU time and peak memory of streaming 1M CSV rows through the whole collect stage
(parse, agent lookup, business-unit zone, local day, API window, Decimal sum), and the number
of data requests the push made against its lower bound ceil(points / 100).

    .venv/bin/python bench/bench_push.py [--rows N] [--agents N]
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reconciler.push.agents import AgentDirectory
from reconciler.push.changes import Window, collect, diff
from reconciler.push.reader import Columns, read_rows
from reconciler.push.zones import ZoneMap

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
ZONES = ("America/New_York", "Europe/London", "Asia/Kolkata")


def generate(path: Path, rows: int, emails: list[str], seed: int = 1) -> None:
    """CRM export with offsets in three zones, spread over the last 7 days (not timed)."""
    rng = random.Random(seed)
    start = NOW - timedelta(days=7)
    offsets = ("-05:00", "+00:00", "+05:30")
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("owner_email,closed_at,amount\r\n")
        for _ in range(rows):
            moment = start + timedelta(seconds=rng.randrange(7 * 86400))
            stamp = moment.strftime("%Y-%m-%dT%H:%M:%S") + rng.choice(offsets)
            out.write(f"{rng.choice(emails)},{stamp},{rng.randrange(1, 500000) / 100:.2f}\r\n")


def max_rss_mib() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def aggregate(path: Path, users: list[dict[str, Any]]) -> tuple[Any, float, float, float]:
    directory = AgentDirectory(users)
    zones = ZoneMap({str(u["id"]): ZONES[i % len(ZONES)] for i, u in enumerate(users)}, "UTC")
    columns = Columns("owner_email", "closed_at", "amount")
    rss_before = max_rss_mib()
    cpu, wall = time.process_time(), time.perf_counter()
    collected = collect(read_rows(str(path), columns), directory, zones, Window.api(NOW))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return collected, cpu, wall, max_rss_mib() - rss_before


def push(collected: Any, users: list[dict[str, Any]], tmp: Path) -> tuple[int, int, int]:
    """Push every point to an in-process emulator; returns (points, requests, lower bound)."""
    from reconciler.client import GenesysClient
    from reconciler.emulator import Emulator
    from reconciler.push.ledger import Ledger
    from reconciler.push.pusher import send

    emulator = Emulator(now=lambda: NOW, rate_limit_per_minute=1_000_000)
    add_users(emulator, users)
    client = GenesysClient(
        "http://emulator.invalid",
        "reconciler-local",
        "emulator-secret",
        transport=emulator.transport(),
        rate_limit_per_minute=1_000_000,
    )
    with client, Ledger(tmp / "ledger.sqlite") as ledger:
        metric = {
            "name": "Daily_Revenue_Closed",
            "unit": "Currency",
            "precision": 2,
            "defaultObjectiveType": "HigherIsBetter",
            "enabled": True,
        }
        metric_id = str(client.create_external_metric(metric)["id"])
        changes = diff(collected, {}).changes
        outcome = send(client, metric_id, changes, ledger)
        assert not outcome.rejected and not outcome.failed, outcome.rejected[:3]
    points = len(changes)
    data = "/api/v2/employeeperformance/externalmetrics/data"
    return points, emulator.count("POST", data), math.ceil(points / 100)


def add_users(emulator: Any, users: list[dict[str, Any]]) -> None:
    """The seeded org has 8 users; the bench agents are added behind the API's back."""
    directory = emulator.state.kind("users")
    template = next(iter(directory.values()))
    for user in users:
        directory[user["id"]] = {
            **template,
            "id": user["id"],
            "email": user["email"],
            "name": user["email"],
            "state": "active",
            "selfUri": f"/api/v2/users/{user['id']}",
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=300)
    args = parser.parse_args()
    users = [
        {"id": f"user-{n:05d}", "email": f"agent{n:05d}@example.com"} for n in range(args.agents)
    ]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        path = tmp / "deals.csv"
        generate(path, args.rows, [str(u["email"]) for u in users])
        size = path.stat().st_size / 2**20
        collected, cpu, wall, rss = aggregate(path, users)
        print(
            f"aggregate: {collected.points.rows:,} rows ({size:.0f} MiB CSV) -> "
            f"{len(collected.points):,} points in {cpu:.2f} s CPU ({wall:.2f} s wall), "
            f"{collected.points.rows / cpu:,.0f} rows/s; peak RSS growth {rss:.1f} MiB"
        )
        points, requests, bound = push(collected, users, tmp)
        print(f"push: {points:,} points in {requests} data requests (lower bound {bound})")


if __name__ == "__main__":
    main()
