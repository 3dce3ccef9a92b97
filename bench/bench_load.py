"""CPU time of load + validate for an org-maximum manifest.

Org maximum: 50 external metrics (the per-org limit), 200 profiles x 20 metrics (10 external,
10 native; half with the target shorthand, half with explicit zones), 500 achievements with all
three channels and templates. The manifest is split into a base layer and an environment that
extends it with an overlay, so the measured path includes extends, overlays, variables, pydantic,
cross-references, lint and template checks. Files are written once; the figure is the median
CPU time (time.process_time) of 5 runs of what `reconciler validate`
runs (`validation.check_environment`: load + lint + templates).

Run: .venv/bin/python bench/bench_load.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from reconciler.manifests import templates, yamlsource
from reconciler.manifests.loader import load
from reconciler.manifests.validation import check_environment, errors_of

EXTERNAL, PROFILES, METRICS_PER_PROFILE, ACHIEVEMENTS = 50, 200, 20, 500
NATIVE = ["Average Handle Time", "Average Talk Time", "Quality Evaluation Score", "Adherence"]
RUNS = 5


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


def write_org(root: Path) -> None:
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
    for p in range(PROFILES):
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
        for a in range(ACHIEVEMENTS)
    ]
    (base / "external-metrics.yaml").write_text(dump({"externalMetrics": metrics}))
    (base / "profiles.yaml").write_text(dump({"profiles": profiles}))
    (base / "achievements.yaml").write_text(dump({"achievements": achievements}))
    (env / "environment.yaml").write_text(
        "extends: base\ntarget: {region: us-east-1}\nvariables: {stage: max, target: 12000}\n"
    )
    overlay = [
        {
            "name": f"Team {p:03d}",
            "metrics": [{"name": "Metric 00", "target": {"value": 15000, "points": 100}}],
        }
        for p in range(0, PROFILES, 10)
    ]
    (env / "overlay.yaml").write_text(dump({"profiles": overlay}))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_org(root)
        size = sum(p.stat().st_size for p in root.rglob("*.yaml"))
        timings = []
        for _ in range(RUNS):
            # Every run starts cold: no template checks or scalar resolutions remembered.
            templates.check.cache_clear()
            yamlsource._plain_cache.clear()
            start = time.process_time()
            problems = check_environment(root, "max")  # what `reconciler validate` runs
            timings.append(time.process_time() - start)
        assert not errors_of(problems), problems[:3]
        resources = load(root, "max").resources
        metrics = sum(len(p.metrics) for p in resources.profiles)
        print(
            f"org maximum ({len(resources.external_metrics)} external metrics, "
            f"{len(resources.profiles)} profiles x {metrics // len(resources.profiles)} metrics, "
            f"{len(resources.achievements)} achievements; {size / 1e6:.1f} MB of YAML)"
        )
        print(
            f"load + validate CPU time: median {statistics.median(timings):.2f} s "
            f"(min {min(timings):.2f} s, {RUNS} runs)"
        )


if __name__ == "__main__":
    main()
