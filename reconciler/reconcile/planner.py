"""The planner: desired state (a Manifest) against live state (a LiveState) -> a Plan. Pure.

Per object, by name: no live match -> create; one match -> no-op, update (field-level
before -> after) or replace (an immutable field changed); several matches -> blocked, never
"take the first". Live objects no manifest declares are unmanaged, or deactivated when the
environment's policy allows removals (only for kinds the manifest declares at all, so an
environment that manages no achievements never deletes them). Names are resolved to ids per
org; a missing native metric, an unknown division or a protected object blocks that object
alone and says why.

Actions come out in execution order: creates and updates by kind (external metrics -> profiles
-> profile metrics -> achievements), then removals in the reverse order, so nothing is removed
while something planned still points at it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from deepdiff import DeepDiff
from deepdiff.helper import notpresent

from ..gcpause import without_gc
from ..kinds import KIND_ORDER, Address, Kind
from ..manifests.manifest import Manifest
from ..manifests.models import Achievement, Profile
from . import normalize
from .live import LiveObject, LiveState, declared_kinds, fingerprint
from .members_plan import plan_members
from .plan import WRITE_OPS, Action, FieldChange, Op, Plan
from .reasons import REMOVAL, REMOVED, no_achievements_api, notes
from .resources.achievements import desired_achievement
from .resources.external_metrics import desired_external_metric
from .resources.profile_metrics import (
    desired_profile_metric,
    manage_only_set_fields,
    profile_metric_name,
)
from .resources.profiles import desired_profile

#: External-metric fields Genesys cannot PATCH: a change means delete + create (a new id).
IMMUTABLE_FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.EXTERNAL_METRIC: ("unit", "unitDefinition"),
}


#: Profile-metric fields Genesys cannot change on an existing metric.
MEASURED = ("externalMetric", "nativeMetric")


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """Field-level changes from `before` (live) to `after` (desired), paths like `zones[0].label`.

    Ordered by the desired form's field order, then path, so plans read like the manifest.
    """
    if before == after:
        return ()  # the common case at scale; DeepDiff is far slower than ==
    changes: list[tuple[tuple[int, str], FieldChange]] = []
    order = {key: index for index, key in enumerate(after)}
    tree = DeepDiff(dict(before), dict(after), view="tree", verbose_level=2)
    for levels in tree.values():
        for level in levels:
            parts = level.path(output_format="list")
            path = ""
            for part in parts:
                path += (
                    f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
                )
            old = None if level.t1 is notpresent else level.t1
            new = None if level.t2 is notpresent else level.t2
            key = (order.get(parts[0], len(order)) if parts else -1, path)
            changes.append((key, FieldChange(path=path, before=old, after=new)))
    return tuple(change for _, change in sorted(changes, key=lambda item: item[0]))


@dataclass
class _Planner:
    manifest: Manifest
    live: LiveState
    allow_replace: bool
    lookup: normalize.Lookup = field(init=False)
    index: dict[Address, list[LiveObject]] = field(init=False)
    actions: list[Action] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lookup = self.live.lookup(self.manifest)
        self.index = self.live.index(self.lookup)
        self.policy = self.manifest.environment.policy
        self.protected = set(self.policy.protected)
        self.read = self.live.read_kinds()
        self.removable = declared_kinds(self.manifest) if self.policy.allow_removals else set()
        resources = self.manifest.resources
        self.declared_external = {m.name for m in resources.external_metrics}
        # Names something in the manifest points at: never removed, even if undeclared.
        self.referenced = {
            metric.external_metric
            for profile in resources.profiles
            for metric in profile.metrics
            if metric.external_metric
        } | {achievement.trigger.metric for achievement in resources.achievements}
        self.blocked_external: set[str] = set()
        self.replaced_external: dict[str, str] = {}  # name -> id that the replace deletes
        # Live profile metrics grouped by profile name, so each profile looks at its own only.
        self.metrics_of: dict[str, list[tuple[str, list[LiveObject]]]] = {}
        for (kind, name), objs in sorted(self.index.items()):
            if kind is Kind.PROFILE_METRIC:
                profile_name = str(objs[0].normalized["profile"])
                self.metrics_of.setdefault(profile_name, []).append((name, objs))

    # --- helpers ---------------------------------------------------------------------------------

    def add(self, op: Op, kind: Kind, name: str, **fields: Any) -> None:
        source = self.manifest.sources.get((kind.value, name))
        self.actions.append(Action(op=op, kind=kind, name=name, source=source, **fields))

    def matches(self, kind: Kind, name: str) -> list[LiveObject]:
        return self.index.get((kind, name), [])

    def ambiguous(self, kind: Kind, name: str, found: Sequence[LiveObject]) -> None:
        ids = ", ".join(sorted(obj.id for obj in found))
        self.add(
            Op.BLOCKED,
            kind,
            name,
            reason=f"ambiguous name: {len(found)} live objects are named {name!r} ({ids})",
        )

    def compare(
        self,
        kind: Kind,
        name: str,
        desired: dict[str, Any],
        live: LiveObject,
        extra: tuple[FieldChange, ...] = (),
    ) -> tuple[FieldChange, ...] | None:
        """Plan update/no-op for one matched object; returns the changes if the caller decides.

        `extra` are changes the normal forms cannot show (an id that a replace will change).
        """
        changes = diff(live.normalized, desired) + extra
        if not changes:
            self.add(Op.NOOP, kind, name, live_id=live.id)
            return None
        if self.is_protected(name, live):
            self.add(
                Op.BLOCKED,
                kind,
                name,
                live_id=live.id,
                changes=changes,
                reason="protected by the environment's policy: the tool never changes it",
            )
            return None
        return changes

    def is_protected(self, name: str, obj: LiveObject | None) -> bool:
        """Protected by name; a protected profile's metrics are protected with it."""
        profile = obj.normalized.get("profile") if obj is not None else None
        return name in self.protected or (profile is not None and profile in self.protected)

    def leftover(
        self, kind: Kind, name: str, obj: LiveObject, *, removable: bool, removed: bool = False
    ) -> None:
        """A live object no manifest declares: unmanaged, or removed when policy allows.

        `removed`: it is already in the state a removal leaves (a deactivated profile, a
        disabled profile metric: Genesys cannot delete either). Under a policy that allows
        removals that is what the manifests ask for, so a no-op, not unmanaged drift.
        """
        if self.is_protected(name, obj):
            self.add(Op.UNMANAGED, kind, name, live_id=obj.id, reason="protected by policy")
        elif kind in self.removable and removed:
            self.add(Op.NOOP, kind, name, live_id=obj.id, reason=REMOVED[kind])
        elif kind in self.removable and removable:
            self.add(Op.DEACTIVATE, kind, name, live_id=obj.id, reason=REMOVAL[kind])
        else:
            self.add(Op.UNMANAGED, kind, name, live_id=obj.id)

    # --- kinds ----------------------------------------------------------------------------------

    def external_metrics(self) -> None:
        for metric in self.manifest.resources.external_metrics:
            desired = desired_external_metric(metric)
            found = self.matches(Kind.EXTERNAL_METRIC, metric.name)
            if len(found) > 1:
                self.blocked_external.add(metric.name)
                self.ambiguous(Kind.EXTERNAL_METRIC, metric.name, found)
            elif not found:
                self.add(Op.CREATE, Kind.EXTERNAL_METRIC, metric.name, desired=desired)
            elif changes := self.compare(Kind.EXTERNAL_METRIC, metric.name, desired, found[0]):
                self.external_metric_change(metric.name, desired, found[0], changes)
        if Kind.EXTERNAL_METRIC not in self.read:
            return
        for (kind, name), found in sorted(self.index.items()):
            if kind is not Kind.EXTERNAL_METRIC or name in self.declared_external:
                continue
            for obj in found:
                if obj.raw.get("inUse") and Kind.EXTERNAL_METRIC in self.removable:
                    self.add(
                        Op.UNMANAGED,
                        kind,
                        name,
                        live_id=obj.id,
                        reason="in use by a profile metric, so it cannot be deleted",
                    )
                    continue
                self.leftover(kind, name, obj, removable=name not in self.referenced)

    def external_metric_change(
        self, name: str, desired: dict[str, Any], live: LiveObject, changes: tuple[FieldChange, ...]
    ) -> None:
        immutable = [c.path for c in changes if c.path in IMMUTABLE_FIELDS[Kind.EXTERNAL_METRIC]]
        disabling = any(c.path == "enabled" and c.after is False for c in changes)
        if not immutable and disabling and live.raw.get("inUse"):
            self.add(
                Op.BLOCKED,
                Kind.EXTERNAL_METRIC,
                name,
                live_id=live.id,
                changes=changes,
                reason="Genesys refuses to disable an external metric while profile metrics use it",
            )
            return
        if not immutable:
            self.add(
                Op.UPDATE,
                Kind.EXTERNAL_METRIC,
                name,
                live_id=live.id,
                changes=changes,
                desired=desired,
            )
            return
        what = " and ".join(immutable)
        if live.raw.get("inUse"):
            self.blocked_external.add(name)
            self.add(
                Op.BLOCKED,
                Kind.EXTERNAL_METRIC,
                name,
                live_id=live.id,
                changes=changes,
                reason=f"{what} cannot be changed in place and the metric is in use by profile "
                "metrics: a replace (delete + create) would break them",
            )
            return
        reason = f"{what} cannot be changed in place: delete + create with a new id"
        if not self.allow_replace:
            reason += "; refused unless --allow-replace or policy.allow_replace"
        self.replaced_external[name] = live.id
        self.add(
            Op.REPLACE,
            Kind.EXTERNAL_METRIC,
            name,
            live_id=live.id,
            changes=changes,
            desired=desired,
            reason=reason,
        )

    def profiles(self) -> None:
        declared = {profile.name for profile in self.manifest.resources.profiles}
        for profile in self.manifest.resources.profiles:
            desired = desired_profile(profile, self.lookup)
            found = self.matches(Kind.PROFILE, profile.name)
            if len(found) > 1:
                self.ambiguous(Kind.PROFILE, profile.name, found)
                for metric in profile.metrics:
                    self.add(
                        Op.BLOCKED,
                        Kind.PROFILE_METRIC,
                        profile_metric_name(profile.name, metric.name),
                        reason=f"its profile {profile.name!r} is ambiguous",
                    )
                continue
            division = desired["division"]
            if division is None or division not in self.lookup.division_names.values():
                what = f"division {division!r} not found" if division else "no home division"
                self.add(Op.BLOCKED, Kind.PROFILE, profile.name, reason=what + " in the org")
            elif not found:
                self.add(Op.CREATE, Kind.PROFILE, profile.name, desired=desired)
            elif changes := self.compare(Kind.PROFILE, profile.name, desired, found[0]):
                if any(change.path == "division" for change in changes):
                    self.add(
                        Op.BLOCKED,
                        Kind.PROFILE,
                        profile.name,
                        live_id=found[0].id,
                        changes=changes,
                        reason="a profile cannot move to another division through the API",
                    )
                else:
                    self.add(
                        Op.UPDATE,
                        Kind.PROFILE,
                        profile.name,
                        live_id=found[0].id,
                        changes=changes,
                        desired=desired,
                    )
            self.profile_metrics(profile, found[0] if found else None)
        if Kind.PROFILE not in self.read:
            return
        for (kind, name), objs in sorted(self.index.items()):
            if kind is Kind.PROFILE and name not in declared:
                for obj in objs:
                    active = bool(obj.normalized["active"])
                    self.leftover(kind, name, obj, removable=active, removed=not active)

    def resolve_metric(self, metric_name: str, *, native: bool | None) -> str | None:
        """None if the name resolves to exactly one metric, else why not.

        `native` True/False restricts the search to native/external metrics; None (achievement
        triggers) accepts either, and a name used by both is ambiguous.
        """
        if native is not True:
            if metric_name in self.blocked_external:
                return f"external metric {metric_name!r} is blocked"
            if metric_name in self.declared_external:
                return None
        count = 0
        if native is not False:
            count += sum(1 for n in self.lookup.native_metric_names.values() if n == metric_name)
        if native is not True:
            count += len(self.matches(Kind.EXTERNAL_METRIC, metric_name))
        what = {True: "native metric", False: "external metric", None: "metric"}[native]
        if count == 0:
            return f"{what} {metric_name!r} not found in the org or the manifests"
        if count > 1:
            return f"ambiguous name: {count} live metrics are named {metric_name!r}"
        return None

    def profile_metrics(self, profile: Profile, live_profile: LiveObject | None) -> None:
        declared = set()
        for metric in profile.metrics:
            name = profile_metric_name(profile.name, metric.name)
            declared.add(name)
            problem = self.resolve_metric(metric.measures, native=metric.native_metric is not None)
            if problem:
                self.add(Op.BLOCKED, Kind.PROFILE_METRIC, name, reason=problem)
                continue
            try:
                desired = desired_profile_metric(profile.name, metric, self.lookup)
            except ValueError as error:
                self.add(Op.BLOCKED, Kind.PROFILE_METRIC, name, reason=str(error))
                continue
            found = self.matches(Kind.PROFILE_METRIC, name) if live_profile else []
            if len(found) > 1:
                self.ambiguous(Kind.PROFILE_METRIC, name, found)
            elif not found and profile.name in self.protected:
                self.add(
                    Op.BLOCKED,
                    Kind.PROFILE_METRIC,
                    name,
                    reason=f"its profile {profile.name!r} is protected by the environment's "
                    "policy: the tool never changes it",
                )
            elif not found:
                self.add(Op.CREATE, Kind.PROFILE_METRIC, name, desired=desired)
            else:
                desired = manage_only_set_fields(desired, found[0].normalized)
                changes = self.compare(Kind.PROFILE_METRIC, name, desired, found[0])
                if changes and any(c.path in MEASURED for c in changes):
                    self.add(
                        Op.BLOCKED,
                        Kind.PROFILE_METRIC,
                        name,
                        live_id=found[0].id,
                        changes=changes,
                        reason="the metric a profile metric measures cannot be changed; "
                        "give the new one another name (and disable this one)",
                    )
                elif changes:
                    self.add(
                        Op.UPDATE,
                        Kind.PROFILE_METRIC,
                        name,
                        live_id=found[0].id,
                        changes=changes,
                        desired=desired,
                    )
        if live_profile is None:
            return
        for name, objs in self.metrics_of.get(profile.name, []):
            if name not in declared:
                for obj in objs:
                    enabled = bool(obj.normalized["enabled"])
                    self.leftover(
                        Kind.PROFILE_METRIC, name, obj, removable=enabled, removed=not enabled
                    )

    def new_trigger_id(self, achievement: Achievement) -> tuple[FieldChange, ...]:
        """A trigger on a metric being replaced must follow it to its new id, in this apply."""
        old_id = self.replaced_external.get(achievement.trigger.metric)
        if old_id is None:
            return ()
        return (FieldChange(path="trigger.metric_id", before=old_id, after="(known after apply)"),)

    def achievements(self) -> None:
        if not self.manifest.environment.manages_achievements:
            return  # not even a removal: the API is never read here (plan notes say so)
        missing = self.live.achievements_missing
        declared = set()
        for achievement in self.manifest.resources.achievements:
            name = achievement.name
            declared.add(name)
            if missing is not None:
                self.add(Op.BLOCKED, Kind.ACHIEVEMENT, name, reason=no_achievements_api(missing))
                continue
            problem = self.resolve_metric(achievement.trigger.metric, native=None)
            if problem:
                self.add(Op.BLOCKED, Kind.ACHIEVEMENT, name, reason="trigger: " + problem)
                continue
            desired = desired_achievement(achievement)
            found = self.matches(Kind.ACHIEVEMENT, name)
            if len(found) > 1:
                self.ambiguous(Kind.ACHIEVEMENT, name, found)
            elif not found:
                self.add(Op.CREATE, Kind.ACHIEVEMENT, name, desired=desired)
            elif changes := self.compare(
                Kind.ACHIEVEMENT, name, desired, found[0], self.new_trigger_id(achievement)
            ):
                self.add(
                    Op.UPDATE,
                    Kind.ACHIEVEMENT,
                    name,
                    live_id=found[0].id,
                    changes=changes,
                    desired=desired,
                )
        if Kind.ACHIEVEMENT not in self.read:
            return
        for (kind, name), objs in sorted(self.index.items()):
            if kind is Kind.ACHIEVEMENT and name not in declared:
                for obj in objs:
                    self.leftover(kind, name, obj, removable=True)


def execution_key(action: Action) -> tuple[int, int, str]:
    """Creates/updates in dependency order, then removals in reverse dependency order."""
    if action.op is Op.DEACTIVATE:
        return (1, -KIND_ORDER[action.kind], action.name)
    return (0, KIND_ORDER[action.kind], action.name)


def touched(actions: Iterable[Action]) -> list[Address]:
    """Addresses a plan writes to: what its live fingerprint covers."""
    return [(a.kind, a.name) for a in actions if a.op in WRITE_OPS]


@without_gc
def plan(manifest: Manifest, live: LiveState, *, allow_replace: bool = False) -> Plan:
    """Plan `manifest` against `live`. Pure: no I/O, same inputs -> same plan."""
    planner = _Planner(manifest, live, allow_replace or manifest.environment.policy.allow_replace)
    planner.external_metrics()
    planner.profiles()
    blocked = {a.name for a in planner.actions if a.kind is Kind.PROFILE and a.op is Op.BLOCKED}
    planner.actions += plan_members(
        manifest, live, planner.index, blocked_profiles=blocked, protected=planner.protected
    )
    planner.achievements()
    actions = tuple(sorted(planner.actions, key=execution_key))
    return Plan(
        environment=manifest.name,
        actions=actions,
        manifest_checksum=manifest.checksum(),
        live_fingerprint=fingerprint(planner.index, touched(actions)),
        notes=notes(manifest),
    )
