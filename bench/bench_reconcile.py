"""Plan and apply at org-maximum size against the emulator on loopback HTTP.

Org maximum: 50 external metrics (the per-org limit), 200 profiles x 20 metrics, 500
achievements. Reports:

- read requests of a plan against the lower bound (list pages at the client's page size + one
  metrics list per profile + the two catalogue reads);
- write requests of an apply against the number of objects that change (first apply from an
  empty org, then an apply with 10 edits, then a no-op apply);
- CPU time of load (YAML on disk -> Manifest) + plan, excluding the API;
- wall time of the plan and of the first apply against the bound 300 requests/min imposes
  (the emulator runs with a very high limit, so the figure shows our own overhead), and the
  first apply again with 25 ms latency per request (writes of one phase overlap).

Run: .venv/bin/python bench/bench_reconcile.py
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from reconciler.client import GenesysClient
from reconciler.emulator import Emulator, Faults, serve
from reconciler.manifests.loader import load
from reconciler.reconcile import planner
from reconciler.reconcile.applier import apply
from reconciler.reconcile.live import fetch
from reconciler.reconcile.plan import Op

EXTERNAL, PROFILES, METRICS_PER_PROFILE, ACHIEVEMENTS = 50, 200, 20, 500
PAGE_SIZE = 100
RATE_LIMIT = 300  # requests/min per client-credentials token (genesys-api.md section 7)


def resources(edit: bool = False) -> dict[str, Any]:
    metrics = [
        {
            "name": f"KPI {i:02d}",
            "unit": "Number",
            "precision": 0,
            "defaultObjectiveType": "HigherIsBetter",
            "enabled": True,
        }
        for i in range(EXTERNAL)
    ]
    profiles = [
        {
            "name": f"Team {p:03d}",
            "description": f"Floor {p}",
            "metrics": [
                {
                    "name": f"Metric {m:02d}",
                    "externalMetric": f"KPI {(p + m) % EXTERNAL:02d}",
                    "target": {
                        "value": 100 + m + (1 if edit and p < 5 and m == 0 else 0),
                        "points": 10,
                    },
                }
                for m in range(METRICS_PER_PROFILE)
            ],
        }
        for p in range(PROFILES)
    ]
    achievements = [
        {
            "name": f"Badge {a:03d}",
            "description": "Bench",
            "completion_type": "REPEATABLE",
            "scope_type": "DAILY",
            "trigger": {"metric": f"KPI {a % EXTERNAL:02d}", "operator": "GTE", "value": 10 + a},
            "notifications": {
                "toast": True,
                "email": {
                    "enabled": edit and a < 5,
                    **({"subject": "Hi", "body": "{{ agent.name }}"} if edit and a < 5 else {}),
                },
                "push": {
                    "enabled": True,
                    "title": "Done",
                    "body": "{{ achievement.name }}",
                    "deep_link": "/x",
                },
            },
        }
        for a in range(ACHIEVEMENTS)
    ]
    return {"externalMetrics": metrics, "profiles": profiles, "achievements": achievements}


def write_project(root: Path, url: str, edit: bool = False) -> None:
    env = root / "environments" / "bench"
    env.mkdir(parents=True, exist_ok=True)
    (env / "environment.yaml").write_text(
        yaml.safe_dump({"target": {"base_url": url}, "rate_limit_per_minute": 1_000_000})
    )
    for kind, items in resources(edit).items():
        (env / f"{kind}.yaml").write_text(yaml.safe_dump({kind: items}, sort_keys=False))


def client(url: str) -> GenesysClient:
    return GenesysClient(url, "reconciler-local", "emulator-secret", rate_limit_per_minute=None)


def api_requests(emulator: Emulator, *methods: str) -> int:
    return sum(emulator.count(m, "/api/") for m in methods)


def main() -> int:
    emulator = Emulator(rate_limit_per_minute=10_000_000)
    writes = ("POST", "PUT", "PATCH", "DELETE")
    with serve(emulator) as server, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_project(root, server.url)
        manifest = load(root, "bench")
        objects = EXTERNAL + PROFILES * (1 + METRICS_PER_PROFILE) + ACHIEVEMENTS

        # 1. First apply, empty org.
        emulator.reset_log()
        started = time.perf_counter()
        with client(server.url) as c:
            apply(manifest, c)
        apply_wall = time.perf_counter() - started
        first_writes = api_requests(emulator, *writes)

        # 2. Plan against the full org: reads vs lower bound, wall vs rate-limit bound.
        emulator.reset_log()
        started = time.perf_counter()
        with client(server.url) as c:
            live = fetch(c, manifest)
        fetch_wall = time.perf_counter() - started
        reads = api_requests(emulator, "GET")
        native = 8  # the emulator's seeded catalogue: one page
        profiles_live = PROFILES + 1  # + the default profile (listed, not descended into)
        lower_bound = (
            math.ceil(EXTERNAL / PAGE_SIZE)
            + 1  # profiles (not paged by Genesys)
            + PROFILES  # one metrics list per declared profile
            + math.ceil(native / PAGE_SIZE)
            + 1  # home division (no profile names one, so the divisions list is not needed)
            + math.ceil(ACHIEVEMENTS / PAGE_SIZE)
        )

        # 3. CPU of load + plan, no API.
        cpu = time.process_time()
        manifest = load(root, "bench")
        loaded_cpu = time.process_time() - cpu
        result = planner.plan(manifest, live)
        plan_cpu = time.process_time() - cpu - loaded_cpu
        assert not result.has_changes, "plan after apply is not empty"

        # 4. Ten edits: writes vs changed objects; then a no-op apply.
        write_project(root, server.url, edit=True)
        edited = load(root, "bench")
        emulator.reset_log()
        with client(server.url) as c:
            applied = apply(edited, c)
        edit_writes = api_requests(emulator, *writes)
        changed = sum(1 for s in applied.steps if s.op is Op.UPDATE)
        emulator.reset_log()
        with client(server.url) as c:
            apply(edited, c)
        noop_writes = api_requests(emulator, *writes)

    # 5. The same first apply with 25 ms of latency per request, as a real network adds: the
    #    phases' independent writes overlap on the client's pool of 4.
    latency_ms = 25
    slow = Emulator(rate_limit_per_minute=10_000_000, faults=Faults(latency_ms=latency_ms))
    with serve(slow) as server, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_project(root, server.url)
        started = time.perf_counter()
        with client(server.url) as c:
            apply(load(root, "bench"), c)
        slow_wall = time.perf_counter() - started
        slow_requests = slow.count(None, "/api/")

    apply_bound = first_writes / (RATE_LIMIT / 60)
    plan_bound = reads / (RATE_LIMIT / 60)
    print(
        f"org: {EXTERNAL} external metrics, {PROFILES} profiles x {METRICS_PER_PROFILE} metrics "
        f"({profiles_live} live with the default), {ACHIEVEMENTS} achievements = {objects} objects"
    )
    print(
        f"plan reads: {reads} requests; lower bound {lower_bound} (ratio {reads / lower_bound:.2f})"
    )
    print(
        f"first apply writes: {first_writes} for {objects} objects "
        f"(+{PROFILES} activations after the metrics; {first_writes / objects:.3f} per object)"
    )
    print(
        f"edit apply writes: {edit_writes} for {changed} changed objects; "
        f"no-op apply writes: {noop_writes}"
    )
    print(f"cpu: load {loaded_cpu:.2f} s + plan {plan_cpu:.2f} s = {loaded_cpu + plan_cpu:.2f} s")
    print(
        f"wall: plan reads {fetch_wall:.2f} s vs {plan_bound:.0f} s at {RATE_LIMIT}/min; "
        f"first apply {apply_wall:.1f} s vs {apply_bound:.0f} s at {RATE_LIMIT}/min"
    )
    print(
        f"first apply at {latency_ms} ms latency: {slow_wall:.1f} s for {slow_requests} requests "
        f"(one at a time would take >= {slow_requests * latency_ms / 1000:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
