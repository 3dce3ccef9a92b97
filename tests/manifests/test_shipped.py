"""The shipped environments, schemas and modelines stay valid and in sync with the models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.commands.schema import generate
from reconciler.errors import ExitCode
from reconciler.manifests.layers import list_environments
from reconciler.manifests.loader import load
from reconciler.manifests.manifest import Manifest
from reconciler.manifests.models import ProfileMetric

REPO = Path(__file__).resolve().parents[2]


def test_validate_all_passes_strictly_on_the_shipped_environments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["validate", "--all", "--strict", "--root", str(REPO)])
    out = capsys.readouterr().out
    assert code == ExitCode.OK, out
    for env in ("dev", "local", "prod", "staging"):
        assert f"{env}: valid (0 error(s), 0 warning(s))" in out


def test_base_is_a_layer_not_an_environment(capsys: pytest.CaptureFixture[str]) -> None:
    assert list_environments(REPO) == ["dev", "local", "prod", "staging"]
    code = main(["validate", "-e", "base", "--root", str(REPO)])
    assert code == ExitCode.INVALID_MANIFEST
    assert "'base' has no environment.yaml: it is a resources-only layer" in capsys.readouterr().out


def test_local_targets_the_embedded_emulator_and_uses_only_seeded_native_metrics() -> None:
    manifest = load(REPO, "local")
    assert manifest.environment.target.emulator is not None
    assert manifest.environment.policy.allow_removals is False
    seeded = {
        "Average Handle Time",
        "First Contact Resolution",
        "Average Talk Time",
        "Average After Call Work Time",
        "Quality Evaluation Score",
        "Adherence",
        "Conformance",
    }
    external = {m.name for m in manifest.resources.external_metrics}
    natives = {
        m.native_metric
        for p in manifest.resources.profiles
        for m in p.metrics
        if m.native_metric is not None
    }
    triggers = {a.trigger.metric for a in manifest.resources.achievements} - external
    assert natives | triggers <= seeded


def test_the_seeds_story_is_in_base() -> None:
    manifest = load(REPO, "dev")
    revenue = next(
        m for m in manifest.resources.external_metrics if m.name == "Daily_Revenue_Closed"
    )
    assert (revenue.unit.value, revenue.unit_definition, revenue.precision) == (
        "Currency",
        "USD",
        2,
    )
    assert revenue.default_objective_type.value == "HigherIsBetter"
    sales = next(p for p in manifest.resources.profiles if p.name == "Sales Agents")
    measures = {m.measures for m in sales.metrics}
    assert {"Daily_Revenue_Closed", "Average Handle Time"} <= measures
    fcr = next(
        a for a in manifest.resources.achievements if a.name == "First Contact Resolution Master"
    )
    assert fcr.notifications.toast and fcr.notifications.email.enabled
    assert fcr.notifications.push.enabled


def test_prod_overlays_a_different_target_and_keeps_the_rest_of_base() -> None:
    def revenue_metric(env: str) -> tuple[Manifest, ProfileMetric]:
        manifest = load(REPO, env)
        sales = next(p for p in manifest.resources.profiles if p.name == "Sales Agents")
        return manifest, next(m for m in sales.metrics if m.name == "Revenue closed")

    dev, dev_metric = revenue_metric("dev")
    prod, prod_metric = revenue_metric("prod")
    assert dev_metric.target is not None and prod_metric.target is not None
    assert (dev_metric.target.value, prod_metric.target.value) == (10000, 12000)
    assert prod_metric.external_metric == "Daily_Revenue_Closed"
    assert prod_metric.precision == 2
    assert len(prod.resources.profiles[0].metrics) == len(dev.resources.profiles[0].metrics)
    # Where the object was declared stays base; the overridden field points at the overlay.
    assert prod.sources[("profile", "Sales Agents")].startswith("environments/base/profiles.yaml:")


def test_schemas_match_the_models() -> None:
    generated = generate()
    on_disk = {p.name: p.read_text() for p in (REPO / "schemas").glob("*.json")}
    assert on_disk == generated, "schemas/ is stale: run `reconciler schema`"


def test_schema_check_command_detects_drift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "--root", str(tmp_path)]) == ExitCode.OK
    assert main(["schema", "--check", "--root", str(tmp_path)]) == ExitCode.OK
    stale = tmp_path / "schemas" / "profile.json"
    document = json.loads(stale.read_text())
    document["properties"].pop("description")
    stale.write_text(json.dumps(document))
    assert main(["schema", "--check", "--root", str(tmp_path)]) == ExitCode.ERROR
    assert "out of date: profile.json" in capsys.readouterr().err


def test_example_manifests_carry_the_schema_modeline() -> None:
    files = sorted((REPO / "environments").glob("*/*.yaml"))
    assert files
    for path in files:
        first = path.read_text().splitlines()[0]
        if path.name == "environment.yaml":
            schemas = {"environment.json"}
        else:  # an overlay (an object named again) needs the schema where only names are required
            schemas = {"resources.json", "overlay.json"}
        schema = first.rpartition("/")[2]
        assert schema in schemas, path
        assert first == f"# yaml-language-server: $schema=../../schemas/{schema}", path
        assert (path.parent / "../../schemas" / schema).resolve().is_file()
