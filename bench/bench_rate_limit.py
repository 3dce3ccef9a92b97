"""Client pacing benchmark: ten seconds' worth of GETs against a rate-limited emulator.

The emulator on 127.0.0.1 enforces R requests/min (default 1,200) with a token bucket of one
second's worth (its default, like a Genesys-style limit: a 10-s window admits 200 requests
plus that bucket). The client, configured with the same limit, fetches 200 pages with
``max_concurrency`` workers. Reported: 429s received (must be 0), achieved rate as a share
of the allowed rate (must be ≥ 90%), wall time against the 10-s bound; then the same run
with no limit configured on the client, which must learn it from the server's headers.

    .venv/bin/python bench/bench_rate_limit.py [--rate R] [--requests N] [--workers W] [--burst B]
"""

from __future__ import annotations

import argparse
import sys
import time

from reconciler.client import GenesysClient, RetryPolicy
from reconciler.emulator import Emulator, serve


def run(
    rate: int, requests: int, workers: int, burst: int | None, *, paced: bool = True
) -> tuple[int, float, float]:
    emulator = Emulator(rate_limit_per_minute=rate, rate_limit_burst=burst)
    with (
        serve(emulator) as server,
        GenesysClient(
            server.url,
            "reconciler-local",
            "emulator-secret",
            rate_limit_per_minute=rate if paced else None,
            max_concurrency=workers,
            # A 429 must show up in the figure, not be waited out and hidden.
            retry=RetryPolicy(max_rate_limited=requests),
        ) as client,
    ):
        client.get_home_division()  # fetch the token outside the timed part
        emulator.reset_log()
        start = time.perf_counter()
        client.map(lambda _: client.list_profiles(), range(requests))
        elapsed = time.perf_counter() - start
        too_many = sum(1 for record in emulator.request_log if record.status == 429)
    return too_many, elapsed, requests / elapsed * 60


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=1200, help="requests per minute")
    parser.add_argument("--requests", type=int, default=0, help="default: ten seconds' worth")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--burst", type=int, default=None, help="emulator bucket size")
    args = parser.parse_args()
    requests = args.requests or args.rate // 6
    bound = requests / args.rate * 60
    too_many, elapsed, achieved = run(args.rate, requests, args.workers, args.burst)
    share = achieved / args.rate
    print(
        f"{requests} GETs, {args.workers} workers, limit {args.rate}/min: {too_many} x 429, "
        f"{achieved:,.0f}/min achieved = {share:.1%} of allowed, "
        f"{elapsed:.2f} s wall (bound {bound:.1f} s at the limit)"
    )
    unpaced_429, unpaced_elapsed, _ = run(
        args.rate, requests, args.workers, args.burst, paced=False
    )
    print(
        f"with no limit configured (the client adopts the server's inin-ratelimit-allowed "
        f"from its first answer): {unpaced_429} x 429, {unpaced_elapsed:.2f} s wall"
    )
    ok = too_many == 0 and share >= 0.9
    print("PASS" if ok else "FAIL: needs 0 x 429 and >= 90% of the allowed rate")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
