"""Emulator benchmark: GET throughput over loopback, and how exactly the rate limit is enforced.

1. Throughput: N authenticated GETs of the external-metric-definition list (one keep-alive
   connection, then 4 threads) against `reconciler.emulator.serve` on 127.0.0.1, and through
   the in-process transport.
2. Rate-limit exactness at R requests/min (default 1,200): a client pacing itself at exactly R
   must see zero 429s; an unpaced burst must get exactly ``burst + R/60 * elapsed`` admissions
   (± 1), the rest 429 with Retry-After.

    .venv/bin/python bench/bench_emulator.py [--requests N] [--rate R]
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

import httpx

from reconciler.emulator import Emulator, serve

PATH = "/api/v2/employeeperformance/externalmetrics/definitions"


def _client(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=10)
    reply = client.post(
        "/oauth/token",
        auth=("reconciler-local", "emulator-secret"),
        data={"grant_type": "client_credentials"},
    )
    client.headers["Authorization"] = f"Bearer {reply.json()['access_token']}"
    return client


def throughput(requests: int) -> None:
    with serve(Emulator()) as server:
        with closing(_client(server.url)) as client:
            start = time.perf_counter()
            for _ in range(requests):
                client.get(PATH).raise_for_status()
            single = requests / (time.perf_counter() - start)
        clients = [_client(server.url) for _ in range(4)]
        start = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            list(
                pool.map(
                    lambda c: [c.get(PATH).raise_for_status() for _ in range(requests // 4)],
                    clients,
                )
            )
        threaded = (requests // 4 * 4) / (time.perf_counter() - start)
        for c in clients:
            c.close()
    print(
        f"GET throughput: {single:,.0f} req/s on one connection, "
        f"{threaded:,.0f} req/s with 4 threads"
    )


def in_process(requests: int) -> None:
    emulator = Emulator()
    with closing(
        httpx.Client(transport=emulator.transport(), base_url="http://emulator")
    ) as client:
        reply = client.post(
            "/oauth/token",
            auth=("reconciler-local", "emulator-secret"),
            data={"grant_type": "client_credentials"},
        )
        client.headers["Authorization"] = f"Bearer {reply.json()['access_token']}"
        start = time.perf_counter()
        for _ in range(requests):
            client.get(PATH).raise_for_status()
        rate = requests / (time.perf_counter() - start)
    print(f"in-process transport: {rate:,.0f} GET/s")


def paced(rate: int) -> None:
    count = rate // 6  # ten seconds' worth
    interval = 60.0 / rate
    with (
        serve(Emulator(rate_limit_per_minute=rate)) as server,
        closing(_client(server.url)) as client,
    ):
        statuses = []
        start = time.perf_counter()
        for n in range(count):
            # Pace against the schedule, not the previous request, so latency does not drift.
            delay = start + n * interval - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            statuses.append(client.get(PATH).status_code)
        elapsed = time.perf_counter() - start
    achieved = count / elapsed * 60
    print(
        f"paced at {rate}/min: {count} GETs, {statuses.count(429)} x 429, "
        f"{achieved:,.0f}/min achieved ({achieved / rate:.1%} of the limit)"
    )


def burst(rate: int) -> None:
    emulator = Emulator(rate_limit_per_minute=rate)
    with serve(emulator) as server, closing(_client(server.url)) as client:
        start = time.perf_counter()
        statuses = [client.get(PATH).status_code for _ in range(rate // 6)]
        elapsed = time.perf_counter() - start
    allowed = statuses.count(200)
    bucket = max(1, -(-rate // 60))
    expected = bucket + rate / 60 * elapsed
    print(
        f"unpaced burst of {len(statuses)} at {rate}/min: {allowed} admitted in {elapsed:.2f}s, "
        f"bucket model says {expected:.1f}; {statuses.count(429)} x 429"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rate", type=int, default=1200)
    args = parser.parse_args()
    throughput(args.requests)
    in_process(args.requests)
    paced(args.rate)
    burst(args.rate)


if __name__ == "__main__":
    main()
