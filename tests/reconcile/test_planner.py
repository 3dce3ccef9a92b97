"""Table-driven tests of the pure planner: manifest + live JSON in, actions out. No fakes."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

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

from reconciler.kinds import Kind
from reconciler.manifests.manifest import Manifest
from reconciler.manifests.models import Profile, ProfileMetric
from reconciler.reconcile.live import LiveState
from reconciler.reconcile.plan import Op, Plan
from reconciler.reconcile.planner import plan

EM, PR, PM, ACH = Kind.EXTERNAL_METRIC, Kind.PROFILE, Kind.PROFILE_METRIC, Kind.ACHIEVEMENT


def in_sync() -> LiveState:
    return live([live_revenue()], [live_sales()], {"pr-1": [live_revenue_metric()]}, [live_wins()])


FULL: dict[str, Any] = {
    "external_metrics": (revenue(),),
    "profiles": (sales(),),
    "achievements": (wins(),),
}


@dataclass
class Case:
    id: str
    manifest: Manifest
    live: LiveState
    # (op, kind, name) of every action that is not a no-op, in execution order
    expected: list[tuple[Op, Kind, str]]
    changes: dict[str, list[tuple[str, Any, Any]]] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # name -> substring of the reason
    allow_replace: bool = False


CASES = [
    Case("in sync: nothing to do", manifest(**FULL), in_sync(), []),
    Case(
        "empty org: create everything in dependency order",
        manifest(**FULL),
        live([], [], {}, []),
        [
            (Op.CREATE, EM, "Revenue"),
            (Op.CREATE, PR, "Sales floor"),
            (Op.CREATE, PM, "Sales floor/Revenue"),
            (Op.CREATE, ACH, "First win"),
        ],
    ),
    Case(
        "precision changed: update with a field diff",
        manifest(external_metrics=(revenue(precision=0),)),
        live([live_revenue()]),
        [(Op.UPDATE, EM, "Revenue")],
        changes={"Revenue": [("precision", 2, 0)]},
    ),
    Case(
        "unit changed: replace, refused unless allowed",
        manifest(external_metrics=(revenue(unit="Number", unit_definition=None),)),
        live([live_revenue()]),
        [(Op.REPLACE, EM, "Revenue")],
        changes={"Revenue": [("unit", "Currency", "Number"), ("unitDefinition", "USD", None)]},
        reasons={
            "Revenue": "unit and unitDefinition cannot be changed in place: delete + create "
            "with a new id; refused unless --allow-replace or policy.allow_replace"
        },
    ),
    Case(
        "unit changed while in use: blocked, never replaced",
        manifest(external_metrics=(revenue(unit="Number"),)),
        live([live_revenue(inUse=True)]),
        [(Op.BLOCKED, EM, "Revenue")],
        reasons={
            "Revenue": "unit cannot be changed in place and the metric is in use by profile "
            "metrics: a replace (delete + create) would break them"
        },
        allow_replace=True,
    ),
    Case(
        "ambiguous live name blocks only that object",
        manifest(
            external_metrics=(revenue(), revenue(name="Calls won", unit="Number")),
        ),
        live([live_revenue("em-1"), live_revenue("em-2")]),
        [(Op.CREATE, EM, "Calls won"), (Op.BLOCKED, EM, "Revenue")],
        reasons={"Revenue": "ambiguous name: 2 live objects are named 'Revenue' (em-1, em-2)"},
    ),
    Case(
        "undeclared live objects are unmanaged without the removals policy",
        manifest(**FULL),
        live(
            [live_revenue(), live_revenue("em-9", name="Old")],
            [live_sales(), live_sales("pr-9", name="Old floor")],
            {"pr-1": [live_revenue_metric(), live_revenue_metric("pm-9", name="Old metric")]},
            [live_wins(), live_wins("ach-9", name="Old badge")],
        ),
        [
            (Op.UNMANAGED, EM, "Old"),
            (Op.UNMANAGED, PR, "Old floor"),
            (Op.UNMANAGED, PM, "Sales floor/Old metric"),
            (Op.UNMANAGED, ACH, "Old badge"),
        ],
    ),
    Case(
        "removals allowed: deactivate/disable/delete, removals last in reverse order",
        manifest(**FULL, allow_removals=True),
        live(
            [live_revenue(), live_revenue("em-9", name="Old")],
            [live_sales(), live_sales("pr-9", name="Old floor")],
            {"pr-1": [live_revenue_metric(), live_revenue_metric("pm-9", name="Old metric")]},
            [live_wins(), live_wins("ach-9", name="Old badge")],
        ),
        [
            (Op.DEACTIVATE, ACH, "Old badge"),
            (Op.DEACTIVATE, PM, "Sales floor/Old metric"),
            (Op.DEACTIVATE, PR, "Old floor"),
            (Op.DEACTIVATE, EM, "Old"),
        ],
        reasons={
            "Old badge": "declared by no manifest and removals are allowed: delete",
            "Sales floor/Old metric": "declared by no manifest and removals are allowed: disable "
            "its objective (Genesys cannot delete profile metrics)",
            "Old floor": "declared by no manifest and removals are allowed: deactivate "
            "(Genesys cannot delete profiles)",
            "Old": "declared by no manifest and removals are allowed: delete",
        },
    ),
    Case(
        "creates and updates come before removals, removals in reverse kind order",
        manifest(
            external_metrics=(revenue(precision=3),),
            profiles=(sales(revenue_metric(), revenue_metric(name="New")),),
            achievements=(wins(),),
            allow_removals=True,
        ),
        live(
            [live_revenue(), live_revenue("em-9", name="Old")],
            [live_sales()],
            {"pr-1": [live_revenue_metric()]},
            [live_wins(), live_wins("ach-9", name="Old badge")],
        ),
        [
            (Op.UPDATE, EM, "Revenue"),
            (Op.CREATE, PM, "Sales floor/New"),
            (Op.DEACTIVATE, ACH, "Old badge"),
            (Op.DEACTIVATE, EM, "Old"),
        ],
    ),
    Case(
        "removals allowed but protected or in use: left alone; already inactive: a no-op",
        manifest(**FULL, allow_removals=True, protected=("Old",)),
        live(
            [
                live_revenue(),
                live_revenue("em-9", name="Old"),
                live_revenue("em-8", name="Busy", inUse=True),
            ],
            [live_sales(), live_sales("pr-9", name="Off floor", active=False)],
            {"pr-1": [live_revenue_metric()]},
            [live_wins()],
        ),
        [
            (Op.UNMANAGED, EM, "Busy"),
            (Op.UNMANAGED, EM, "Old"),
        ],
        reasons={
            "Old": "protected by policy",
            "Busy": "in use by a profile metric, so it cannot be deleted",
        },
    ),
    Case(
        "removals only touch kinds the manifest declares",
        manifest(external_metrics=(revenue(),), allow_removals=True),
        live([live_revenue(), live_revenue("em-9", name="Old")]),
        [(Op.DEACTIVATE, EM, "Old")],
    ),
    Case(
        "protected object with changes is blocked",
        manifest(external_metrics=(revenue(precision=4),), protected=("Revenue",)),
        live([live_revenue()]),
        [(Op.BLOCKED, EM, "Revenue")],
        reasons={"Revenue": "protected by the environment's policy: the tool never changes it"},
    ),
    Case(
        "zone points changed: update with an indexed path",
        manifest(
            profiles=(
                sales(
                    revenue_metric(
                        zones=(ZONES[0], ZONES[1].model_copy(update={"upper_limit_points": 120}))
                    )
                ),
            ),
            external_metrics=(revenue(),),
        ),
        live([live_revenue()], [live_sales()], {"pr-1": [live_revenue_metric()]}),
        [(Op.UPDATE, PM, "Sales floor/Revenue")],
        changes={"Sales floor/Revenue": [("zones[1].upperLimitPoints", 100, 120)]},
    ),
    Case(
        "profile fields and activation",
        manifest(
            profiles=(sales(description="New text", active=False, max_leaderboard_rank_size=10),),
            external_metrics=(revenue(),),
        ),
        live([live_revenue()], [live_sales()], {"pr-1": [live_revenue_metric()]}),
        [(Op.UPDATE, PR, "Sales floor")],
        changes={
            "Sales floor": [
                ("description", "Sales agents", "New text"),
                ("maxLeaderboardRankSize", 25, 10),
                ("active", True, False),
            ]
        },
    ),
    Case(
        "profile in another division is blocked (cannot move)",
        manifest(profiles=(sales(division="Sales"),), external_metrics=(revenue(),)),
        live([live_revenue()], [live_sales()], {"pr-1": [live_revenue_metric()]}),
        [(Op.BLOCKED, PR, "Sales floor")],
        reasons={"Sales floor": "a profile cannot move to another division through the API"},
    ),
    Case(
        "unknown division blocks the profile",
        manifest(profiles=(sales(division="Nowhere"),), external_metrics=(revenue(),)),
        live([live_revenue()], [], {}),
        [(Op.BLOCKED, PR, "Sales floor"), (Op.CREATE, PM, "Sales floor/Revenue")],
        reasons={"Sales floor": "'Nowhere' not found"},
    ),
    Case(
        "missing native metric blocks that profile metric only",
        manifest(
            profiles=(
                sales(
                    revenue_metric(),
                    ProfileMetric(name="Speed", native_metric="No Such Metric", zones=ZONES),
                    ProfileMetric(name="AHT", native_metric="Average Handle Time", zones=ZONES),
                ),
            ),
            external_metrics=(revenue(),),
        ),
        live([live_revenue()], [live_sales()], {"pr-1": [live_revenue_metric()]}),
        [(Op.CREATE, PM, "Sales floor/AHT"), (Op.BLOCKED, PM, "Sales floor/Speed")],
        reasons={"Sales floor/Speed": "native metric 'No Such Metric' not found"},
    ),
    Case(
        "profile metric precision unset in the manifest is not drift",
        manifest(profiles=(sales(revenue_metric(precision=None)),), external_metrics=(revenue(),)),
        live([live_revenue()], [live_sales()], {"pr-1": [live_revenue_metric(precision=3)]}),
        [],
    ),
    Case(
        "disabled in the manifest: update enabled",
        manifest(profiles=(sales(revenue_metric(enabled=False)),), external_metrics=(revenue(),)),
        live([live_revenue()], [live_sales()], {"pr-1": [live_revenue_metric()]}),
        [(Op.UPDATE, PM, "Sales floor/Revenue")],
        changes={"Sales floor/Revenue": [("enabled", True, False)]},
    ),
    Case(
        "achievement trigger on an unknown metric is blocked",
        manifest(achievements=(wins(trigger={"metric": "Nope", "operator": "GT", "value": 1}),)),
        live([], achievements=[]),
        [(Op.BLOCKED, ACH, "First win")],
        reasons={"First win": "trigger: metric 'Nope' not found in the org or the manifests"},
    ),
    Case(
        "achievement trigger on a native metric; email text changed",
        manifest(
            achievements=(
                wins(
                    trigger={"metric": "Average Handle Time", "operator": "LT", "value": 300},
                    notifications={
                        "toast": True,
                        "email": {"enabled": True, "subject": "Hi", "body": "{{agent.name}}"},
                        "push": {"enabled": False},
                    },
                ),
            )
        ),
        live(
            [],
            achievements=[
                live_wins(
                    metric_id="nat-aht",
                    trigger={"metric_id": "nat-aht", "condition": {"operator": "LT", "value": 300}},
                    notifications={
                        "toast": True,
                        "email": {"enabled": True, "subject": "Hello", "body": "{{agent.name}}"},
                        "push": {"enabled": False},
                    },
                )
            ],
        ),
        [(Op.UPDATE, ACH, "First win")],
        changes={"First win": [("notifications.email.subject", "Hello", "Hi")]},
    ),
    Case(
        "disabling an external metric in use is blocked (Genesys answers 409)",
        manifest(external_metrics=(revenue(enabled=False),)),
        live([live_revenue(inUse=True)]),
        [(Op.BLOCKED, EM, "Revenue")],
        reasons={
            "Revenue": "Genesys refuses to disable an external metric while profile metrics use it"
        },
    ),
    Case(
        "an achievement follows its trigger metric through a replace in the same apply",
        manifest(achievements=(wins(),), external_metrics=(revenue(unit="Number"),)),
        live([live_revenue()], achievements=[live_wins()]),
        [(Op.REPLACE, EM, "Revenue"), (Op.UPDATE, ACH, "First win")],
        changes={"First win": [("trigger.metric_id", "em-1", "(known after apply)")]},
        allow_replace=True,
    ),
    Case(
        "a replaced external metric id shows up as trigger drift",
        manifest(achievements=(wins(),), external_metrics=(revenue(),)),
        live([live_revenue("em-2")], achievements=[live_wins(metric_id="em-1")]),
        [(Op.UPDATE, ACH, "First win")],
        changes={"First win": [("trigger.metric", "<unknown metric em-1>", "Revenue")]},
    ),
    Case(
        "profile metric precision and time display unit changed: update",
        manifest(
            profiles=(sales(revenue_metric(precision=4, time_display_unit="Minutes")),),
            external_metrics=(revenue(),),
        ),
        live([live_revenue()], [live_sales()], {"pr-1": [live_revenue_metric()]}),
        [(Op.UPDATE, PM, "Sales floor/Revenue")],
        changes={
            "Sales floor/Revenue": [("precision", 2, 4), ("timeDisplayUnit", "None", "Minutes")]
        },
    ),
    Case(
        "removals allowed: an undeclared external metric the manifests point at stays",
        manifest(
            external_metrics=(revenue(),),
            profiles=(sales(revenue_metric(), revenue_metric(name="Old", external_metric="Old")),),
            allow_removals=True,
        ),
        live(
            [live_revenue(), live_revenue("em-9", name="Old"), live_revenue("em-8", name="Gone")],
            [live_sales()],
            {"pr-1": [live_revenue_metric()]},
        ),
        # A profile metric may measure a live external metric no manifest declares.
        [
            (Op.UNMANAGED, EM, "Old"),
            (Op.CREATE, PM, "Sales floor/Old"),
            (Op.DEACTIVATE, EM, "Gone"),
        ],
    ),
    Case(
        "removals allowed: an undeclared external metric a trigger watches stays",
        manifest(
            external_metrics=(revenue(),),
            achievements=(wins(trigger={"metric": "Old", "operator": "GTE", "value": 1}),),
            allow_removals=True,
        ),
        live([live_revenue(), live_revenue("em-9", name="Old")], achievements=[]),
        [(Op.UNMANAGED, EM, "Old"), (Op.CREATE, ACH, "First win")],
    ),
    Case(
        "what a profile metric measures cannot change: external to another external",
        manifest(
            external_metrics=(revenue(), revenue(name="Calls won", unit="Number")),
            profiles=(sales(revenue_metric(external_metric="Calls won")),),
        ),
        live(
            [live_revenue(), live_revenue("em-2", name="Calls won", unit="Number")],
            [live_sales()],
            {"pr-1": [live_revenue_metric()]},
        ),
        [(Op.BLOCKED, PM, "Sales floor/Revenue")],
        changes={"Sales floor/Revenue": [("externalMetric", "Revenue", "Calls won")]},
        reasons={"Sales floor/Revenue": "the metric a profile metric measures cannot be changed"},
    ),
    Case(
        "what a profile metric measures cannot change: external to native, with another change",
        manifest(
            external_metrics=(revenue(),),
            profiles=(
                sales(
                    revenue_metric(
                        external_metric=None, native_metric="Average Handle Time", precision=0
                    )
                ),
            ),
        ),
        live([live_revenue()], [live_sales()], {"pr-1": [live_revenue_metric()]}),
        [(Op.BLOCKED, PM, "Sales floor/Revenue")],
        changes={
            "Sales floor/Revenue": [
                ("externalMetric", "Revenue", None),
                ("nativeMetric", None, "Average Handle Time"),
                ("precision", 2, 0),
            ]
        },
        reasons={
            "Sales floor/Revenue": "the metric a profile metric measures cannot be changed; "
            "give the new one another name (and disable this one)"
        },
    ),
    Case(
        "a division change with another change is still blocked",
        manifest(profiles=(sales(division="Sales", description="New"),), external_metrics=()),
        live([], [live_sales()], {"pr-1": [live_revenue_metric()]}),
        [(Op.BLOCKED, PR, "Sales floor"), (Op.BLOCKED, PM, "Sales floor/Revenue")],
        reasons={
            "Sales floor": "cannot move to another division",
            "Sales floor/Revenue": "external metric 'Revenue' not found in the org",
        },
    ),
    Case(
        "a live division given by id only is the division of that id",
        manifest(profiles=(sales(),), external_metrics=(revenue(),)),
        live(
            [live_revenue()],
            [live_sales(division={"id": "div-home"})],
            {"pr-1": [live_revenue_metric()]},
        ),
        [],
    ),
    Case(
        "a metric name several live metrics share blocks what measures it",
        manifest(
            profiles=(sales(revenue_metric(name="Dup", external_metric="Dup")),),
            achievements=(
                wins(trigger={"metric": "Average Handle Time", "operator": "LT", "value": 1}),
            ),
        ),
        live(
            [
                live_revenue("em-1", name="Dup"),
                live_revenue("em-2", name="Dup"),
                live_revenue("em-3", name="Average Handle Time"),
            ],
            [live_sales()],
            {"pr-1": []},
            [],
        ),
        [
            (Op.UNMANAGED, EM, "Average Handle Time"),
            (Op.UNMANAGED, EM, "Dup"),
            (Op.UNMANAGED, EM, "Dup"),
            (Op.BLOCKED, PM, "Sales floor/Dup"),
            (Op.BLOCKED, ACH, "First win"),
        ],
        reasons={
            "Sales floor/Dup": "ambiguous name: 2 live metrics are named 'Dup'",
            "First win": "trigger: ambiguous name: 2 live metrics",
        },
    ),
    Case(
        "unit definition changed alone: replace",
        manifest(external_metrics=(revenue(unit_definition="EUR"),)),
        live([live_revenue()]),
        [(Op.REPLACE, EM, "Revenue")],
        changes={"Revenue": [("unitDefinition", "USD", "EUR")]},
        reasons={"Revenue": "unitDefinition cannot be changed in place"},
    ),
    Case(
        "what a profile metric measures cannot change: native to another native",
        manifest(
            profiles=(
                sales(
                    ProfileMetric(name="AHT", native_metric="First Contact Resolution", zones=ZONES)
                ),
            ),
        ),
        live(
            [],
            [live_sales()],
            {
                "pr-1": [
                    live_revenue_metric(
                        name="AHT", externalMetricDefinitionId=None, metricDefinitionId="nat-aht"
                    )
                ]
            },
        ),
        [(Op.BLOCKED, PM, "Sales floor/AHT")],
        changes={
            "Sales floor/AHT": [("nativeMetric", "Average Handle Time", "First Contact Resolution")]
        },
    ),
    Case(
        "a protected profile's metrics are protected with it",
        manifest(
            profiles=(sales(revenue_metric(enabled=False), revenue_metric(name="New")),),
            external_metrics=(revenue(),),
            protected=("Sales floor",),
            allow_removals=True,
        ),
        live(
            [live_revenue()],
            [live_sales()],
            {"pr-1": [live_revenue_metric(), live_revenue_metric("pm-9", name="Old metric")]},
        ),
        [
            (Op.BLOCKED, PM, "Sales floor/New"),
            (Op.UNMANAGED, PM, "Sales floor/Old metric"),
            (Op.BLOCKED, PM, "Sales floor/Revenue"),
        ],
        reasons={
            "Sales floor/New": "its profile 'Sales floor' is protected by the environment's "
            "policy: the tool never changes it",
            "Sales floor/Old metric": "protected by policy",
            "Sales floor/Revenue": "protected by the environment's policy",
        },
    ),
    Case(
        "an ambiguous declared external metric blocks what measures or watches it",
        manifest(
            external_metrics=(revenue(),),
            profiles=(sales(),),
            achievements=(wins(),),
        ),
        live([live_revenue("em-1"), live_revenue("em-2")], [live_sales()], {"pr-1": []}, []),
        [
            (Op.BLOCKED, EM, "Revenue"),
            (Op.BLOCKED, PM, "Sales floor/Revenue"),
            (Op.BLOCKED, ACH, "First win"),
        ],
        reasons={
            "Sales floor/Revenue": "external metric 'Revenue' is blocked",
            "First win": "trigger: external metric 'Revenue' is blocked",
        },
    ),
    Case(
        "a unit change of an external metric in use blocks what watches it",
        manifest(external_metrics=(revenue(unit="Number"),), achievements=(wins(),)),
        live([live_revenue(inUse=True)], achievements=[live_wins()]),
        [(Op.BLOCKED, EM, "Revenue"), (Op.BLOCKED, ACH, "First win")],
        reasons={"First win": "trigger: external metric 'Revenue' is blocked"},
        allow_replace=True,
    ),
    Case(
        "disabling an external metric in use together with another change is blocked",
        manifest(external_metrics=(revenue(enabled=False, precision=0),)),
        live([live_revenue(inUse=True)]),
        [(Op.BLOCKED, EM, "Revenue")],
        reasons={"Revenue": "refuses to disable"},
    ),
    Case(
        "enabling an external metric in use is an update",
        manifest(external_metrics=(revenue(),)),
        live([live_revenue(inUse=True, enabled=False)]),
        [(Op.UPDATE, EM, "Revenue")],
        changes={"Revenue": [("enabled", False, True)]},
    ),
    Case(
        "a native metric name an external metric also uses is not ambiguous for a native metric",
        manifest(
            profiles=(
                sales(ProfileMetric(name="AHT", native_metric="Average Handle Time", zones=ZONES)),
            )
        ),
        live([live_revenue("em-3", name="Average Handle Time")], [live_sales()], {"pr-1": []}),
        [(Op.UNMANAGED, EM, "Average Handle Time"), (Op.CREATE, PM, "Sales floor/AHT")],
    ),
    Case(
        "a shorthand that cannot expand blocks that profile metric only",
        manifest(
            profiles=(
                sales(
                    ProfileMetric.model_validate(
                        {
                            "name": "AHT",
                            "nativeMetric": "Average Handle Time",
                            "target": {"value": 300, "points": 50},
                        }
                    ),
                    ProfileMetric(
                        name="FCR", native_metric="First Contact Resolution", zones=ZONES
                    ),
                ),
            )
        ),
        live([], [live_sales()], {"pr-1": []}),
        [(Op.BLOCKED, PM, "Sales floor/AHT"), (Op.CREATE, PM, "Sales floor/FCR")],
        reasons={"Sales floor/AHT": "target needs a direction"},
    ),
    Case(
        "two live profile metrics with the declared name: blocked",
        manifest(profiles=(sales(),), external_metrics=(revenue(),)),
        live(
            [live_revenue()],
            [live_sales()],
            {"pr-1": [live_revenue_metric("pm-1"), live_revenue_metric("pm-2")]},
        ),
        [(Op.BLOCKED, PM, "Sales floor/Revenue")],
        reasons={"Sales floor/Revenue": "ambiguous name: 2 live objects"},
    ),
    Case(
        "two live achievements with the declared name: blocked",
        manifest(achievements=(wins(),), external_metrics=(revenue(),)),
        live([live_revenue()], achievements=[live_wins("ach-1"), live_wins("ach-2")]),
        [(Op.BLOCKED, ACH, "First win")],
        reasons={"First win": "ambiguous name: 2 live objects are named 'First win'"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_plan(case: Case) -> None:
    result = plan(case.manifest, case.live, allow_replace=case.allow_replace)
    got = [(a.op, a.kind, a.name) for a in result.actions if a.op is not Op.NOOP]
    assert got == case.expected
    by_name = {a.name: a for a in result.actions}
    for name, expected_changes in case.changes.items():
        assert [(c.path, c.before, c.after) for c in by_name[name].changes] == expected_changes
    for name, text in case.reasons.items():
        assert text in (by_name[name].reason or "")


def test_plan_is_deterministic_and_round_trips_through_json() -> None:
    first = plan(manifest(**FULL), live([], [], {}, []))
    second = plan(manifest(**FULL), live([], [], {}, []))
    assert first == second
    assert Plan.from_json(first.to_json()) == first
    assert first.manifest_checksum == manifest(**FULL).checksum()


def test_write_actions_carry_desired_state_and_source() -> None:
    result = plan(manifest(**FULL), live([], [], {}, []))
    creates = {a.name: a for a in result.actions}
    assert creates["Revenue"].desired is not None
    assert creates["Revenue"].desired["unitDefinition"] == "USD"
    assert creates["Revenue"].source == "environments/dev/metrics.yaml:3"
    assert creates["Sales floor/Revenue"].desired is not None
    assert creates["Sales floor/Revenue"].desired["externalMetric"] == "Revenue"


def test_live_fingerprint_covers_only_touched_objects() -> None:
    desired = manifest(external_metrics=(revenue(precision=0),))
    base = plan(desired, live([live_revenue(), live_revenue("em-9", name="Other")]))
    # An unrelated object changed: same fingerprint.
    other_changed = plan(
        desired, live([live_revenue(), live_revenue("em-9", name="Other", precision=5)])
    )
    assert other_changed.live_fingerprint == base.live_fingerprint
    # The touched object changed: different fingerprint.
    touched_changed = plan(desired, live([live_revenue(precision=1)]))
    assert touched_changed.live_fingerprint != base.live_fingerprint
    # Server bookkeeping is not a change.
    refreshed = plan(
        desired,
        live(
            [
                live_revenue(dateLastRefreshed="2026-11-30T00:00:00Z"),
                live_revenue("em-9", name="Other"),
            ]
        ),
    )
    assert refreshed.live_fingerprint == base.live_fingerprint


def test_a_blocked_profile_blocks_its_metrics() -> None:
    result = plan(
        manifest(profiles=(sales(),), external_metrics=(revenue(),)),
        live([live_revenue()], [live_sales("pr-1"), live_sales("pr-2")], {}),
    )
    ops = {(a.kind, a.name): a.op for a in result.actions}
    assert ops[(PR, "Sales floor")] is Op.BLOCKED
    assert ops[(PM, "Sales floor/Revenue")] is Op.BLOCKED


def test_kinds_not_read_are_neither_planned_for_removal_nor_reported() -> None:
    desired = manifest(external_metrics=(revenue(),), allow_removals=True)
    result = plan(desired, live([live_revenue()], profiles=None, achievements=None))
    assert [a.op for a in result.actions] == [Op.NOOP]
    assert not result.has_changes


def test_default_profile_fields_compare_equal_to_genesys_defaults() -> None:
    # A manifest profile with only a name must match what Genesys returns after creating it.
    bare = Profile(name="Sales floor", description="Sales agents", metrics=())
    result = plan(manifest(profiles=(bare,)), live([], [live_sales()], {"pr-1": []}))
    assert not result.has_changes


def _removed_earlier(allow_removals: bool) -> dict[tuple[Kind, str], tuple[Op, str | None]]:
    """An inactive undeclared profile and a disabled undeclared profile metric."""
    disabled = live_revenue_metric("pm-9", name="Old metric")
    disabled["objective"] = {**disabled["objective"], "enabled": False}
    result = plan(
        manifest(**FULL, allow_removals=allow_removals),
        live(
            [live_revenue()],
            [live_sales(), live_sales("pr-9", name="Off floor", active=False)],
            {"pr-1": [live_revenue_metric(), disabled]},
            [live_wins()],
        ),
    )
    return {(a.kind, a.name): (a.op, a.reason) for a in result.actions}


def test_what_a_permitted_removal_left_behind_is_a_no_op_saying_removed() -> None:
    """After a prune, the deactivated profile and the disabled metric are what the manifests
    ask for: no action, not unmanaged (so drift agrees with the empty plan)."""
    ops = _removed_earlier(allow_removals=True)
    for address, what in (
        ((PR, "Off floor"), "deactivated"),
        ((PM, "Sales floor/Old metric"), "disabled"),
    ):
        op, reason = ops[address]
        assert op is Op.NOOP
        assert reason is not None and reason.startswith("removed:") and what in reason


def test_without_the_removals_policy_inactive_leftovers_stay_unmanaged() -> None:
    ops = _removed_earlier(allow_removals=False)
    assert ops[(PR, "Off floor")][0] is Op.UNMANAGED
    assert ops[(PM, "Sales floor/Old metric")][0] is Op.UNMANAGED


def test_replace_is_refused_by_default_and_allowed_by_the_environments_policy() -> None:
    desired = manifest(external_metrics=(revenue(unit="Number"),))
    (refused,) = plan(desired, live([live_revenue()])).actions
    assert refused.op is Op.REPLACE and "refused unless" in (refused.reason or "")
    policy = desired.environment.policy.model_copy(update={"allow_replace": True})
    environment = desired.environment.model_copy(update={"policy": policy})
    (allowed,) = plan(
        dataclasses.replace(desired, environment=environment), live([live_revenue()])
    ).actions
    assert allowed.op is Op.REPLACE and "refused" not in (allowed.reason or "")


def test_an_org_without_a_home_division_blocks_profiles_without_one() -> None:
    state = dataclasses.replace(live([], [], {}), home_division=None)
    result = plan(manifest(profiles=(sales(),)), state)
    blocked = {a.name: a.reason for a in result.actions if a.op is Op.BLOCKED}
    assert blocked["Sales floor"] == "no home division in the org"
    named = plan(manifest(profiles=(sales(division="Nowhere"),)), state)
    assert named.actions[0].reason == "division 'Nowhere' not found in the org"


def test_a_native_metric_name_two_definitions_share_is_ambiguous() -> None:
    state = live([], [live_sales()], {"pr-1": []})
    state = dataclasses.replace(
        state,
        metric_definitions=[
            *state.metric_definitions,
            {"id": "nat-2", "name": "Average Handle Time"},
        ],
    )
    metric = ProfileMetric(name="AHT", native_metric="Average Handle Time", zones=ZONES)
    (action,) = [
        a for a in plan(manifest(profiles=(sales(metric),)), state).actions if a.kind is PM
    ]
    assert action.op is Op.BLOCKED
    assert action.reason == "ambiguous name: 2 live metrics are named 'Average Handle Time'"
