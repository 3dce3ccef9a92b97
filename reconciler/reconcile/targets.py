"""`--target KIND:NAME`: narrow a plan to some objects and their dependencies (like -target).

Dependencies are the ones apply needs to exist first: a profile metric's profile and the
external metric it measures; an achievement's trigger metric when it is an external metric.
Nothing else is kept, not even objects that depend on a target (a profile's metrics), so a
partial plan never writes more than it was asked to. The narrowed plan's live fingerprint covers
only what it writes, so a saved partial plan goes stale only when those objects change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import UsageError
from ..kinds import Address, Kind
from ..manifests.suggest import did_you_mean
from .live import LiveState, fingerprint
from .normalize import Lookup
from .plan import Action, Plan
from .planner import touched

_KINDS = {kind.value.lower(): kind for kind in Kind}


@dataclass(frozen=True)
class Target:
    kind: Kind
    name: str

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.name}"


def parse(text: str) -> Target:
    """`KIND:NAME`, e.g. `achievement:First win` or `profileMetric:Sales floor/Revenue`."""
    kind_text, sep, name = text.partition(":")
    if not sep or not name.strip():
        raise UsageError(
            f"--target {text!r}: expected KIND:NAME, e.g. achievement:First win "
            f"(kinds: {', '.join(k.value for k in Kind)})"
        )
    kind = _KINDS.get(kind_text.strip().lower())
    if kind is None:
        hint = did_you_mean(kind_text, [k.value for k in Kind])
        raise UsageError(
            f"--target {text!r}: unknown kind {kind_text!r}{hint}; "
            f"kinds: {', '.join(k.value for k in Kind)}"
        )
    return Target(kind, name.strip())


def parse_all(texts: Iterable[str]) -> tuple[Target, ...]:
    return tuple(parse(text) for text in texts)


def _dependencies(action: Action) -> list[Address]:
    desired = action.desired or {}
    if action.kind is Kind.PROFILE_METRIC:
        deps: list[Address] = []
        if desired.get("profile"):
            deps.append((Kind.PROFILE, str(desired["profile"])))
        if desired.get("externalMetric"):
            deps.append((Kind.EXTERNAL_METRIC, str(desired["externalMetric"])))
        return deps
    if action.kind is Kind.ACHIEVEMENT:
        metric = (desired.get("trigger") or {}).get("metric")
        # A native trigger metric is Genesys's own; only an external one is ours to write.
        return [(Kind.EXTERNAL_METRIC, str(metric))] if metric else []
    return []


def select(plan: Plan, targets: Sequence[Target], live: LiveState, lookup: Lookup) -> Plan:
    """The plan's actions for `targets` and their dependencies; UsageError for an unknown one.

    `lookup` is `live.lookup(manifest)` (the planner's), to recompute the live fingerprint
    over the narrowed set of writes.
    """
    if not targets:
        return plan
    by_address: dict[Address, list[Action]] = {}
    for action in plan.actions:
        by_address.setdefault((action.kind, action.name), []).append(action)
    for target in targets:
        if (target.kind, target.name) not in by_address:
            names = [name for kind, name in by_address if kind is target.kind]
            raise UsageError(
                f"--target {target}: no {target.kind.value} named {target.name!r} in "
                f"{plan.environment} (declared or live){did_you_mean(target.name, names)}"
            )
    wanted: set[Address] = set()
    pending: list[Address] = [(t.kind, t.name) for t in targets]
    while pending:  # bounded: each address is expanded once
        address = pending.pop()
        if address in wanted:
            continue
        wanted.add(address)
        for action in by_address.get(address, []):
            pending.extend(dep for dep in _dependencies(action) if dep in by_address)
    actions = tuple(a for a in plan.actions if (a.kind, a.name) in wanted)
    index = live.index(lookup)
    return plan.model_copy(
        update={
            "actions": actions,
            "targets": tuple(str(t) for t in targets),
            "live_fingerprint": fingerprint(index, touched(actions)),
        }
    )
