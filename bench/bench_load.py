"""CPU time of validate + load + plan for an org-maximum manifest, and at 10x that size.

Org maximum: 50 external metrics (the per-org limit), 200 profiles x 20 metrics (10 external,
10 native; half with the target shorthand, half with explicit zones), 500 achievements with all
three channels and templates. The manifest is split into a base layer and an environment that
extends it with an overlay, so the measured path includes extends, overlays, variables, pydantic,
cross-references, lint and template checks. Files are written once; the figure is the median
CPU time (time.process_time) of 5 runs of what `reconciler validate`
runs (`validation.check_environment`: load + lint + templates) plus what `reconciler plan` adds
(load and plan against the emulator's seeded org: every object a create). 10x the org maximum
has 10x the profiles and achievements (external metrics stay at the per-org limit of 50), in
files of at most 200 profiles or 500 achievements, under the 5 MB cap per file.

Run: .venv/bin/python bench/bench_load.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from reconciler.client import GenesysClient
from reconciler.emulator import Emulator
from reconciler.manifests import templates, yamlsource
from reconciler.manifests.loader import load
from reconciler.manifests.validation import check_environment, errors_of
from reconciler.reconcile.live import fetch
from reconciler.reconcile.planner import plan

EXTERNAL, PROFILES, METRICS_PER_PROFILE, ACHIEVEMENTS = 50, 200, 20, 500
NATIVE = ["Average Handle Time", "Average Talk Time", "Quality Evaluation Score", "Adherence"]
RUNS = 3


def _zones(value: int) -> list[dict[str, Any]]:
    return [
        {
            "label": "Good",
            "zoneType": "Good",
            "directionType": "Up",
            "lowerLimitValue": 0,
            "upperLimitValue": value,
            "lowerLimitPoints": 0,
            "upperLimitPoints": 10,
        },
        {
            "label": "Great",
            "zoneType": "Great",
            "directionType": "Flat",
            "lowerLimitValue": value,
            "lowerLimitPoints": 10,
            "upperLimitPoints": 10,
        },
    ]


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, width=200)


def write_org(root: Path, scale: int = 1) -> None:
    base = root / "environments" / "base"
    env = root / "environments" / "max"
    base.mkdir(parents=True)
    env.mkdir(parents=True)
    metrics = [
        {
            "name": f"KPI_{i:02d}",
            "unit": "Currency" if i % 2 else "Number",
            "unitDefinition": "USD" if i % 2 else None,
            "precision": i % 3,
            "defaultObjectiveType": "HigherIsBetter",
            "enabled": True,
        }
        for i in range(EXTERNAL)
    ]
    profiles = []
    for p in range(PROFILES * scale):
        items = []
        for m in range(METRICS_PER_PROFILE):
            item: dict[str, Any] = {"name": f"Metric {m:02d}"}
            if m < METRICS_PER_PROFILE // 2:
                item["externalMetric"] = f"KPI_{(p + m) % EXTERNAL:02d}"
            else:
                item["nativeMetric"] = NATIVE[m % len(NATIVE)]
            if m % 2:
                item["zones"] = _zones(100 + m)
            else:
                item["target"] = {
                    "value": "${var.target}",
                    "points": 100,
                    "direction": "HigherIsBetter",
                }
            items.append(item)
        profiles.append(
            {
                "name": f"Team {p:03d}",
                "description": "Floor ${var.stage}",
                "reportingIntervals": [{"intervalType": "Day", "intervalValue": 30}],
                "maxLeaderboardRankSize": 25,
                "active": True,
                "metrics": items,
            }
        )
    achievements = [
        {
            "name": f"Award {a:03d}",
            "description": f"Reach {a} deals",
            "completion_type": "ONCE",
            "scope_type": "DAILY",
            "trigger": {"metric": f"KPI_{a % EXTERNAL:02d}", "operator": "GTE", "value": 100 + a},
            "notifications": {
                "toast": True,
                "email": {
                    "enabled": True,
                    "subject": "Unlocked: {{ achievement.name }}",
                    "body": "Hi {{ agent.name }},\n\n{{ achievement.points }} points for "
                    "{{ achievement.name }}.",
                },
                "push": {
                    "enabled": True,
                    "title": "{{ achievement.name }}",
                    "body": "Well done {{ agent.first_name }}",
                    "deep_link": "https://apps.mypurecloud.com/#/performance",
                },
            },
        }
        for a in range(ACHIEVEMENTS * scale)
    ]
    (base / "external-metrics.yaml").write_text(dump({"externalMetrics": metrics}))
    # Files stay under the 5 MB cap per manifest file, as a team splitting a large org would.
    for start in range(0, len(profiles), PROFILES):
        chunk = profiles[start : start + PROFILES]
        (base / f"profiles-{start // PROFILES:03d}.yaml").write_text(dump({"profiles": chunk}))
    for start in range(0, len(achievements), ACHIEVEMENTS):
        chunk = achievements[start : start + ACHIEVEMENTS]
        name = f"achievements-{start // ACHIEVEMENTS:03d}.yaml"
        (base / name).write_text(dump({"achievements": chunk}))
    (env / "environment.yaml").write_text(
        "extends: base\ntarget: {region: us-east-1}\nvariables: {stage: max, target: 12000}\n"
    )
    overlay = [
        {
            "name": f"Team {p:03d}",
            "metrics": [{"name": "Metric 00", "target": {"value": 15000, "points": 100}}],
        }
        for p in range(0, PROFILES * scale, 10)
    ]
    (env / "overlay.yaml").write_text(dump({"profiles": overlay}))


def measure(root: Path) -> tuple[float, int]:
    """Median CPU seconds of validate, then load + plan against the seeded emulator org."""
    manifest = load(root, "max")
    emulator = Emulator()
    secret = "emulator-secret"
    transport = emulator.transport()
    with GenesysClient(
        "http://emulator.invalid", "reconciler-local", secret, transport=transport
    ) as c:
        live = fetch(c, manifest)
    timings = []
    actions = 0
    for _ in range(RUNS):
        # Every run starts cold: no template checks or scalar resolutions remembered.
        templates.check.cache_clear()
        yamlsource._resolve_plain.cache_clear()
        start = time.process_time()
        problems = check_environment(root, "max")  # what `reconciler validate` runs
        actions = len(plan(load(root, "max"), live).actions)  # what `reconciler plan` adds
        timings.append(time.process_time() - start)
        assert not errors_of(problems), problems[:3]
    return statistics.median(timings), actions


def main() -> None:
    results = {}
    for scale in (1, 10):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            write_org(root, scale)
            size = sum(p.stat().st_size for p in root.rglob("*.yaml"))
            resources = load(root, "max").resources
            metrics = sum(len(p.metrics) for p in resources.profiles)
            cpu, actions = measure(root)
            results[scale] = (cpu, actions)
            label = "org maximum" if scale == 1 else f"{scale}x the org maximum"
            print(
                f"{label}: {len(resources.external_metrics)} external metrics, "
                f"{len(resources.profiles)} profiles x {metrics // len(resources.profiles)} "
                f"metrics, {len(resources.achievements)} achievements; {size / 1e6:.1f} MB of YAML"
            )
            print(
                f"  validate + load + plan CPU: median {cpu:.2f} s of {RUNS} runs "
                f"({actions} plan actions)"
            )
    (small, small_actions), (large, large_actions) = results[1], results[10]
    print(
        f"10x the org: {large / small:.1f}x the CPU time (linear: 10x); "
        f"{large_actions / small_actions:.1f}x the plan actions"
    )


if __name__ == "__main__":
    main()
