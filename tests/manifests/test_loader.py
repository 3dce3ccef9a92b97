"""Loader behaviour: overlays, variables, sources and locations."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.errors import ManifestError
from reconciler.kinds import Kind
from reconciler.manifests.loader import load
from reconciler.manifests.locate import locate

from .conftest import ACHIEVEMENT, METRIC, PROFILE, Write

BASE_ENV = """\
extends: base
target: {region: us-east-1}
variables: {stage: prod, revenue: 12000, loud: true}
"""


def test_overlay_merges_by_kind_and_name_and_metrics_by_name(write: Write, tmp_path: Path) -> None:
    write("base/metrics.yaml", METRIC)
    write(
        "base/profiles.yaml",
        PROFILE.replace("        target", "        precision: 2\n        target"),
    )
    write("prod/environment.yaml", BASE_ENV)
    write(
        "prod/overlay.yaml",
        """\
        profiles:
          - name: Sales Agents
            description: prod floor
            metrics:
              - name: Revenue closed
                zones:
                  - {label: T, zoneType: Target, directionType: Up,
                     lowerLimitValue: 0, lowerLimitPoints: 0, upperLimitPoints: 9}
              - name: Handle time
                nativeMetric: Average Handle Time
                target: {value: 300, points: 5, direction: LowerIsBetter}
        """,
    )
    manifest = load(tmp_path, "prod")
    [profile] = manifest.resources.profiles
    assert profile.description == "prod floor"
    revenue, handle = profile.metrics
    # `zones` in the overlay replaces the base's `target` (they exclude each other).
    assert revenue.target is None and revenue.zones is not None
    assert revenue.precision == 2 and revenue.external_metric == "Daily_Revenue_Closed"
    assert handle.native_metric == "Average Handle Time"
    assert manifest.sources[("profileMetric", "Sales Agents/Handle time")].startswith(
        "environments/prod/overlay.yaml:"
    )
    loc = locate(manifest, Kind.PROFILE_METRIC, "Sales Agents/Revenue closed", ("zones", 0))
    assert (loc.file, loc.line) == ("environments/prod/overlay.yaml", 7)
    loc = locate(manifest, Kind.PROFILE, "Sales Agents", ("metrics", 0, "externalMetric"))
    assert (loc.file, loc.line) == (
        "environments/base/metrics.yaml".replace("metrics", "profiles"),
        6,
    )


def test_variables_keep_their_type_and_dollar_dollar_escapes(write: Write, tmp_path: Path) -> None:
    write("base/metrics.yaml", METRIC)
    write(
        "base/profiles.yaml",
        PROFILE.replace("value: 10000", "value: '${var.revenue}'").replace(
            "description: Sales floor",
            "description: 'Costs $${var.revenue} in ${var.stage}'\n    active: ${var.loud}",
        ),
    )
    write("prod/environment.yaml", BASE_ENV)
    [profile] = load(tmp_path, "prod").resources.profiles
    assert profile.metrics[0].target is not None
    assert profile.metrics[0].target.value == 12000
    assert profile.description == "Costs ${var.revenue} in prod"
    assert profile.active is True


def test_templates_are_not_touched_by_variable_substitution(write: Write, tmp_path: Path) -> None:
    write("prod/environment.yaml", BASE_ENV.replace("extends: base\n", ""))
    write("prod/metrics.yaml", METRIC)
    write("prod/profiles.yaml", PROFILE)
    write(
        "prod/achievements.yaml",
        ACHIEVEMENT.replace("Hi {{ agent.name }}", "${{ achievement.points }} for ${var.stage}"),
    )
    [achievement] = load(tmp_path, "prod").resources.achievements
    assert achievement.notifications.email.body == "${{ achievement.points }} for prod"


def test_malformed_variable_reference(write: Write, tmp_path: Path) -> None:
    write("dev/environment.yaml", "target: {region: us-east-1}\n")
    write("dev/metrics.yaml", METRIC.replace("unitDefinition: USD", "unitDefinition: ${var.x"))
    with pytest.raises(ManifestError) as caught:
        load(tmp_path, "dev")
    [problem] = caught.value.problems
    assert problem.location() == "environments/dev/metrics.yaml:4:21"
    assert "malformed variable reference '${var.x'" in problem.message


def test_yaml_merge_keys_and_anchors_work(write: Write, tmp_path: Path) -> None:
    write("dev/environment.yaml", "target: {region: us-east-1}\n")
    write(
        "dev/metrics.yaml",
        """\
        externalMetrics:
          - &money
            name: Revenue
            unit: Currency
            precision: 2
            defaultObjectiveType: HigherIsBetter
          - <<: *money
            name: Refunds
            defaultObjectiveType: LowerIsBetter
        """,
    )
    metrics = load(tmp_path, "dev").resources.external_metrics
    assert [(m.name, m.unit.value, m.default_objective_type.value) for m in metrics] == [
        ("Revenue", "Currency", "HigherIsBetter"),
        ("Refunds", "Currency", "LowerIsBetter"),
    ]


def test_yaml_keys_stay_text_and_empty_files_are_fine(write: Write, tmp_path: Path) -> None:
    write("dev/environment.yaml", "target: {region: us-east-1}\n")
    write("dev/empty.yaml", "# nothing yet\n")
    write("dev/metrics.yaml", "externalMetrics:\n")
    manifest = load(tmp_path, "dev")
    assert manifest.resources.external_metrics == ()


def test_duplicate_metric_names_inside_a_profile(write: Write, tmp_path: Path) -> None:
    write("dev/environment.yaml", "target: {region: us-east-1}\n")
    write("dev/metrics.yaml", METRIC)
    doubled = PROFILE + PROFILE.split("metrics:\n", 1)[1]
    write("dev/profiles.yaml", doubled)
    with pytest.raises(ManifestError) as caught:
        load(tmp_path, "dev")
    assert any("duplicate metric name 'Revenue closed'" in p.message for p in caught.value.problems)


def test_checksum_changes_with_the_effective_state(write: Write, tmp_path: Path) -> None:
    write("dev/environment.yaml", "target: {region: us-east-1}\n")
    write("dev/metrics.yaml", METRIC)
    first = load(tmp_path, "dev").checksum()
    assert load(tmp_path, "dev").checksum() == first
    write("dev/metrics.yaml", METRIC.replace("precision: 2", "precision: 1"))
    assert load(tmp_path, "dev").checksum() != first
