"""Profile members: planned as adds/removes per profile; unknown names block with a reason."""

from __future__ import annotations

from typing import Any

from reconcile_builders import HOME, manifest, sales

from reconciler.kinds import Kind
from reconciler.manifests.models import Members
from reconciler.reconcile.live import LiveState
from reconciler.reconcile.plan import Action, Op
from reconciler.reconcile.planner import plan

USERS = [
    {"id": f"u-{n}", "email": f"{n}@example.com", "state": "active"}
    for n in ("alice", "ben", "chloe")
]
GROUPS = [{"id": "g-east", "name": "East"}, {"id": "g-w1", "name": "West"}]
GROUPS += [{"id": "g-w2", "name": "West"}]


def live(members: dict[str, list[str]]) -> LiveState:
    profiles: list[dict[str, Any]] = [
        {
            "id": f"p-{name}",
            "name": name,
            "description": "Sales agents",
            "active": True,
            "division": HOME,
            "reportingIntervals": [{"intervalType": "Day", "intervalValue": 30}],
            "maxLeaderboardRankSize": 25,
        }
        for name in members
    ]
    return LiveState(
        external_metrics=[],
        profiles=profiles,
        home_division=HOME,
        divisions=[HOME],
        users=USERS,
        groups=GROUPS,
        group_members={"g-east": [{"id": "u-ben"}]},
        profile_members={f"p-{k}": [{"id": u} for u in v] for k, v in members.items()},
    )


def members_actions(profiles: tuple[Any, ...], state: LiveState) -> list[Action]:
    result = plan(manifest(profiles=profiles), state)
    return [a for a in result.actions if a.kind is Kind.PROFILE_MEMBERS]


def test_adds_and_removes_by_email() -> None:
    profile = sales(members=Members(users=("alice@example.com",), groups=("East",)))
    [action] = members_actions((profile,), live({"Sales floor": ["u-chloe", "u-alice"]}))
    assert action.op is Op.UPDATE
    assert [(c.before, c.after) for c in action.changes] == [
        ("chloe@example.com", None),
        (None, "ben@example.com"),
    ]


def test_matching_set_is_a_noop() -> None:
    profile = sales(members=Members(users=("ALICE@example.com",)))
    [action] = members_actions((profile,), live({"Sales floor": ["u-alice"]}))
    assert action.op is Op.NOOP


def test_move_between_declared_profiles() -> None:
    a = sales(members=Members(users=()))
    b = sales(name="Other", members=Members(users=("alice@example.com",)))
    actions = members_actions((a, b), live({"Sales floor": ["u-alice"], "Other": []}))
    by_name = {action.name: action for action in actions}
    assert [c.before for c in by_name["Sales floor"].changes] == ["alice@example.com"]
    assert [c.after for c in by_name["Other"].changes] == ["alice@example.com"]


def test_unknown_email_blocks() -> None:
    profile = sales(members=Members(users=("nobody@example.com",)))
    [action] = members_actions((profile,), live({"Sales floor": []}))
    assert action.op is Op.BLOCKED
    assert "nobody@example.com" in (action.reason or "")


def test_unknown_and_ambiguous_groups_block() -> None:
    profile = sales(members=Members(groups=("Nope", "West")))
    [action] = members_actions((profile,), live({"Sales floor": []}))
    assert action.op is Op.BLOCKED
    assert "'Nope'" in (action.reason or "") and "2 groups are named 'West'" in (
        action.reason or ""
    )


def test_absent_members_are_not_managed() -> None:
    assert members_actions((sales(),), live({"Sales floor": ["u-alice"]})) == []
