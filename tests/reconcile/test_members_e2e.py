"""Members end to end: real client, emulator on loopback; apply, re-plan empty, move a user."""

from __future__ import annotations

from conftest import api_writes, client_for, loopback
from reconcile_builders import manifest, revenue, sales

from reconciler.emulator import Emulator, EmulatorServer
from reconciler.kinds import Kind
from reconciler.manifests.manifest import Manifest
from reconciler.manifests.models import Members
from reconciler.reconcile.applier import apply
from reconciler.reconcile.live import fetch
from reconciler.reconcile.plan import Op, Plan
from reconciler.reconcile.planner import plan

ALICE, BEN = "alice.nguyen@example.com", "ben.carter@example.com"


def members_plan(m: Manifest, url: str) -> Plan:
    with client_for(url) as client:
        return plan(m, fetch(client, m))


def test_apply_members_then_move(emulator: Emulator, server: EmulatorServer) -> None:
    first = loopback(
        manifest(
            external_metrics=(revenue(),),
            profiles=(
                sales(members=Members(groups=("Sales Floor East",))),
                sales(name="Other", members=Members()),
            ),
        ),
        server.url,
    )
    with client_for(server.url) as client:
        apply(first, client)
    again = members_plan(first, server.url)
    assert not again.has_changes
    writes = api_writes(emulator)
    with client_for(server.url) as client:
        apply(first, client)
    assert api_writes(emulator) == writes
    moved = loopback(
        manifest(
            external_metrics=(revenue(),),
            profiles=(
                sales(members=Members(users=(BEN,))),
                sales(name="Other", members=Members(users=(ALICE,))),
            ),
        ),
        server.url,
    )
    with client_for(server.url) as client:
        apply(moved, client)
    after = members_plan(moved, server.url)
    actions = [a for a in after.actions if a.kind is Kind.PROFILE_MEMBERS]
    assert [a.op for a in actions] == [Op.NOOP, Op.NOOP]
