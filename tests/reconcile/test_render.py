"""Golden-file tests of the renderers. Regenerate with RECONCILER_UPDATE_GOLDEN=1 and review."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from reconcile_builders import (
    ZONES,
    live,
    live_revenue,
    live_revenue_metric,
    live_sales,
    live_wins,
    manifest,
    revenue,
    revenue_metric,
    sales,
    wins,
)

from reconciler.manifests.models import ExternalMetric
from reconciler.output import render
from reconciler.reconcile.plan import Plan
from reconciler.reconcile.planner import plan

GOLDEN = Path(__file__).parent / "golden"


def mixed_plan() -> Plan:
    """One of everything: create, update, replace, deactivate, unmanaged, blocked, no-op."""
    desired = manifest(
        external_metrics=(
            revenue(),
            ExternalMetric(
                name="Calls won",
                unit="Number",
                precision=0,
                default_objective_type="HigherIsBetter",
            ),
            revenue(name="Margin", unit="Percent", unit_definition=None),
        ),
        profiles=(
            sales(
                revenue_metric(
                    zones=(ZONES[0], ZONES[1].model_copy(update={"upper_limit_points": 120}))
                ),
                description="Sales agents | EMEA",
            ),
        ),
        achievements=(wins(),),
        allow_removals=True,
        protected=("Default Performance Profile",),
    )
    state = live(
        [
            live_revenue(),
            live_revenue("em-2", name="Margin"),
            live_revenue("em-7", name="Legacy score", unit="Number", unitDefinition=None),
        ],
        [live_sales(), live_sales("pr-0", name="Default Performance Profile")],
        {"pr-1": [live_revenue_metric()]},
        [live_wins(), live_wins("ach-2", name="First win")],
    )
    return plan(desired, state)


def empty_plan() -> Plan:
    return plan(manifest(external_metrics=(revenue(),)), live([live_revenue()]))


RENDERINGS = {
    "plan.txt": lambda: render.text(mixed_plan(), color=False),
    "plan-color.txt": lambda: render.text(mixed_plan(), color=True),
    "plan.json": lambda: render.json(mixed_plan()),
    "plan.md": lambda: render.markdown(mixed_plan()),
    "plan-empty.txt": lambda: render.text(empty_plan()),
    "plan-empty.md": lambda: render.markdown(empty_plan()),
    "drift.txt": lambda: render.drift_text(mixed_plan()),
    "drift.json": lambda: render.drift_json(mixed_plan()),
    "drift.md": lambda: render.drift_markdown(mixed_plan()),
    "drift-clean.txt": lambda: render.drift_text(empty_plan()),
}


@pytest.mark.parametrize("name", sorted(RENDERINGS))
def test_golden(name: str) -> None:
    got = RENDERINGS[name]()
    path = GOLDEN / name
    if os.environ.get("RECONCILER_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(got)
    assert got == path.read_text(), f"{name} differs; RECONCILER_UPDATE_GOLDEN=1 regenerates"


def test_summary_line_counts_every_kind_of_action() -> None:
    assert render.summary(mixed_plan()) == (
        "Plan: 1 to create, 2 to update, 1 to replace, 1 to delete, 0 to deactivate, 0 to disable; "
        "1 unmanaged, 1 blocked."
    )


def test_no_colour_codes_unless_asked() -> None:
    assert "\x1b[" not in render.text(mixed_plan(), color=False)
    assert "\x1b[" in render.text(mixed_plan(), color=True)


def test_json_carries_format_version_and_loads_back_as_a_plan() -> None:
    data = json.loads(render.json(mixed_plan()))
    assert data["format_version"] == 1
    assert data["counts"]["create"] == 1
    assert Plan.model_validate({k: v for k, v in data.items() if k in Plan.model_fields})


def test_drift_separates_changed_from_unmanaged_and_protected_is_not_drift() -> None:
    data = json.loads(render.drift_json(mixed_plan()))
    assert data["drifted"] is True
    assert {a["name"] for a in data["unmanaged"]} == {"Legacy score"}
    assert "Sales floor/Revenue" in {a["name"] for a in data["changed"]}
    assert not render.has_drift(empty_plan())
