"""Readable output: zones as rows, drift sides labelled everywhere, counts named for what they
count, numbers as declared, stable validate test names."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reconcile_builders import (
    ZONES,
    live,
    live_revenue,
    live_wins,
    manifest,
    revenue,
    revenue_metric,
    sales,
    wins,
)

from reconciler.errors import Problem
from reconciler.kinds import Kind
from reconciler.output import render, reports
from reconciler.reconcile.plan import Action, FieldChange, Op, Plan
from reconciler.reconcile.planner import plan


def test_a_created_profile_metric_shows_its_zones_as_aligned_rows() -> None:
    created = plan(
        manifest(external_metrics=(revenue(),), profiles=(sales(revenue_metric()),)),
        live([live_revenue()]),
    )
    text = render.text(created)
    assert max(len(line) for line in text.splitlines()) < 140, text
    assert "zones[0]" not in text and '{"label"' not in text
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.strip() == "+ zones =")
    columns = lines[header + 1]
    assert columns.split()[:2] == ["label", "zoneType"]
    rows = lines[header + 2 : header + 2 + len(ZONES)]
    # Aligned: every row starts its second column where the header does.
    second = columns.index("zoneType")
    assert all(row[second - 2 : second] == "  " and row[second] != " " for row in rows), rows


def test_an_added_zone_in_an_update_is_a_record_not_a_json_line() -> None:
    action = Action(
        op=Op.UPDATE,
        kind=Kind.PROFILE_METRIC,
        name="Sales floor/Revenue",
        changes=(
            FieldChange(
                path="zones[2]",
                before=None,
                after={"label": "Gold", "lowerLimitValue": 100, "upperLimitValue": 200},
            ),
        ),
    )
    text = render.text(Plan(environment="dev", actions=(action,)))
    assert "~ zones[2]: null -> {" in text
    assert 'label           = "Gold"' in text and "upperLimitValue = 200" in text


def test_a_trigger_value_declared_as_an_integer_prints_as_one() -> None:
    created = plan(
        manifest(external_metrics=(revenue(),), achievements=(wins(),)), live([live_revenue()])
    )
    assert "+ trigger.value = 1\n" in render.text(created)
    decimal = wins(trigger={"metric": "Revenue", "operator": "GTE", "value": 2.5})
    again = plan(
        manifest(external_metrics=(revenue(),), achievements=(decimal,)), live([live_revenue()])
    )
    assert "+ trigger.value = 2.5\n" in render.text(again)
    # And an API answering 1.0 for a declared 1 is no change.
    same = plan(
        manifest(external_metrics=(revenue(),), achievements=(wins(),)),
        live([live_revenue()], achievements=[live_wins()]),
    )
    assert not same.has_changes


def test_summary_counts_deletes_apart_from_deactivations() -> None:
    removed = [
        (Kind.EXTERNAL_METRIC, "Old metric"),
        (Kind.ACHIEVEMENT, "Old badge"),
        (Kind.PROFILE, "Old floor"),
        (Kind.PROFILE_METRIC, "Old floor/Old metric"),
    ]
    actions = tuple(Action(op=Op.DEACTIVATE, kind=k, name=n, live_id="x") for k, n in removed)
    removals = Plan(environment="dev", actions=actions)
    summary = render.summary(removals)
    assert "2 to delete, 1 to deactivate, 1 to disable;" in summary, summary


def _drifted() -> Plan:
    desired = manifest(external_metrics=(revenue(precision=0),))
    return plan(desired, live([live_revenue(precision=2)]))


def test_every_drift_format_says_which_side_is_live() -> None:
    drifted = _drifted()
    assert "precision: live 2, manifest 0" in render.drift_text(drifted)
    assert "`precision`: live `2` → manifest `0`" in render.drift_markdown(drifted)
    junit = ET.fromstring(reports.junit_drift(drifted))
    failure = junit.find(".//failure")
    assert failure is not None and "precision: live 2 -> manifest 0" in (failure.text or "")
    assert '"live": 2' in render.drift_json(drifted) and '"manifest": 0' in render.drift_json(
        drifted
    )


def test_validate_junit_names_do_not_move_with_the_line() -> None:
    def names(line: int) -> list[str]:
        problem = Problem("environments/base/profiles.yaml", line, 7, "profiles[0].name", "bad")
        root = ET.fromstring(reports.junit_problems([problem]))
        return [str(case.get("name")) for case in root.iter("testcase")]

    assert names(3) == names(30) == ["environments/base/profiles.yaml profiles[0].name"]
    root = ET.fromstring(reports.junit_problems([Problem("a.yaml", 3, 7, "x", "bad")]))
    failure = root.find(".//failure")
    assert failure is not None and "a.yaml:3:7" in (failure.text or "")
