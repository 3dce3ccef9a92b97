"""Live state: what the org holds for the kinds a manifest declares, read once per plan.

`fetch` reads only what the plan needs: the lists of the declared kinds (paged by the client),
one metrics list per live profile the manifest declares, and the catalogues names resolve
against (native metric definitions, divisions). Independent reads run through `client.map`, so
they share the client's concurrency bound and rate limiter.

`LiveState.index()` turns the raw JSON into normalised objects keyed by plan address; the same
index gives each address a fingerprint, which is how a saved plan is recognised as stale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from ..errors import ApiError
from ..kinds import Address, Kind, checksum
from ..manifests.manifest import Manifest
from ..manifests.models import ObjectiveType
from . import normalize
from .normalize import JSON
from .resources.achievements import live_achievement
from .resources.external_metrics import live_external_metric
from .resources.profile_members import Directory, live_members
from .resources.profile_metrics import live_profile_metric, profile_metric_name
from .resources.profiles import live_profile

T = TypeVar("T")
R = TypeVar("R")


class ReadClient(Protocol):
    """The part of `reconciler.client.GenesysClient` that reading live state uses."""

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]: ...
    def list_external_metrics(self) -> list[JSON]: ...
    def list_profiles(self) -> list[JSON]: ...
    def list_profile_metrics(self, profile_id: str) -> list[JSON]: ...
    def list_metric_definitions(self) -> list[JSON]: ...
    def list_divisions(self) -> list[JSON]: ...
    def get_home_division(self) -> JSON: ...
    def list_achievements(self) -> list[JSON]: ...
    @property
    def achievements_path(self) -> str: ...
    def list_users(self) -> list[JSON]: ...
    def list_groups(self) -> list[JSON]: ...
    def list_group_members(self, group_id: str) -> list[JSON]: ...
    def list_profile_members(self, profile_id: str) -> list[JSON]: ...


@dataclass(frozen=True)
class LiveObject:
    """One live object: its id, the JSON Genesys returned, and its normal form."""

    id: str
    raw: JSON
    normalized: normalize.Normalized


@dataclass
class LiveState:
    """Raw live JSON. A kind that was not read is None (so it is neither planned nor removed)."""

    external_metrics: list[JSON] | None = None
    profiles: list[JSON] | None = None
    profile_metrics: dict[str, list[JSON]] = field(default_factory=dict)  # profile id -> metrics
    metric_definitions: list[JSON] = field(default_factory=list)
    divisions: list[JSON] = field(default_factory=list)
    home_division: JSON | None = None
    achievements: list[JSON] | None = None
    #: The achievements path the org answered 404 to (it has no such API); None when it answered.
    achievements_missing: str | None = None
    # Read only when a declared profile has `members:`.
    users: list[JSON] | None = None
    groups: list[JSON] = field(default_factory=list)
    group_members: dict[str, list[JSON]] = field(default_factory=dict)  # group id -> users
    profile_members: dict[str, list[JSON]] = field(default_factory=dict)  # profile id -> refs

    def directory(self) -> Directory:
        return Directory.build(self.users or [], self.groups, self.group_members)

    def lookup(self, manifest: Manifest | None = None) -> normalize.Lookup:
        objective_types: dict[str, ObjectiveType] = {}
        for raw in self.external_metrics or []:
            value = str(raw.get("defaultObjectiveType"))
            if raw.get("name") and value in ObjectiveType._value2member_map_:
                objective_types[str(raw["name"])] = ObjectiveType(value)
        if manifest is not None:
            for metric in manifest.resources.external_metrics:
                objective_types[metric.name] = metric.default_objective_type
        divisions = {str(d.get("id")): str(d.get("name")) for d in self.divisions}
        home = self.home_division or {}
        home_name = home.get("name") or divisions.get(str(home.get("id")))
        if home.get("id") and home_name:
            # The divisions list is read only when a profile names a division; the home
            # division's own read still names the id a live profile may carry alone.
            divisions.setdefault(str(home["id"]), str(home_name))
        return normalize.Lookup(
            external_metric_names={
                str(m.get("id")): str(m.get("name")) for m in self.external_metrics or []
            },
            native_metric_names={
                str(m.get("id")): str(m.get("name")) for m in self.metric_definitions
            },
            division_names=divisions,
            home_division=str(home_name) if home_name else None,
            objective_types=objective_types,
        )

    def index(self, lookup: normalize.Lookup) -> dict[Address, list[LiveObject]]:
        """Live objects by plan address; more than one entry under an address is ambiguous."""
        found: dict[Address, list[LiveObject]] = {}

        def add(kind: Kind, name: str, raw: JSON, normalized: normalize.Normalized) -> None:
            found.setdefault((kind, name), []).append(
                LiveObject(str(raw.get("id")), raw, normalized)
            )

        directory: Directory | None = None
        for raw in self.external_metrics or []:
            add(
                Kind.EXTERNAL_METRIC,
                str(raw.get("name")),
                raw,
                live_external_metric(raw),
            )
        for raw in self.profiles or []:
            profile_name = str(raw.get("name"))
            add(Kind.PROFILE, profile_name, raw, live_profile(raw, lookup))
            for metric in self.profile_metrics.get(str(raw.get("id")), []):
                form = live_profile_metric(profile_name, metric, lookup)
                address = profile_metric_name(profile_name, str(metric.get("name")))
                add(Kind.PROFILE_METRIC, address, metric, form)
            if str(raw.get("id")) in self.profile_members:
                if directory is None:
                    directory = self.directory()
                refs = self.profile_members[str(raw.get("id"))]
                members = {"id": raw.get("id"), "members": refs}
                add(Kind.PROFILE_MEMBERS, profile_name, members, live_members(refs, directory))
        for raw in self.achievements or []:
            add(
                Kind.ACHIEVEMENT,
                str(raw.get("name")),
                raw,
                live_achievement(raw, lookup),
            )
        return found

    def read_kinds(self) -> frozenset[Kind]:
        kinds = set()
        if self.external_metrics is not None:
            kinds.add(Kind.EXTERNAL_METRIC)
        if self.profiles is not None:
            kinds.update({Kind.PROFILE, Kind.PROFILE_METRIC})
        if self.achievements is not None:
            kinds.add(Kind.ACHIEVEMENT)
        if self.users is not None:
            kinds.add(Kind.PROFILE_MEMBERS)
        return frozenset(kinds)


def fingerprint(index: Mapping[Address, Sequence[LiveObject]], addresses: Iterable[Address]) -> str:
    """Checksum of what the org holds under `addresses` (absence included).

    A saved plan records this for the addresses it writes to; apply recomputes it and refuses
    the plan if anything there changed since (someone edited, created or removed the object).
    Normal forms, not raw JSON, so server bookkeeping (dateLastRefreshed) never stales a plan.
    """
    return checksum(
        {
            f"{kind.value}.{name}": sorted(
                ([obj.id, obj.normalized] for obj in index.get((kind, name), ())),
                key=lambda pair: str(pair[0]),
            )
            for kind, name in sorted(set(addresses))
        }
    )


def declared_kinds(manifest: Manifest) -> frozenset[Kind]:
    """Kinds the manifest declares and manages (achievements only where an API is configured)."""
    resources = manifest.resources
    kinds = set()
    if resources.external_metrics:
        kinds.add(Kind.EXTERNAL_METRIC)
    if resources.profiles:
        kinds.update({Kind.PROFILE, Kind.PROFILE_METRIC})
    if resources.achievements and manifest.environment.manages_achievements:
        kinds.add(Kind.ACHIEVEMENT)
    if any(profile.members is not None for profile in resources.profiles):
        kinds.add(Kind.PROFILE_MEMBERS)
    return frozenset(kinds)


def managed_kinds(manifest: Manifest) -> frozenset[Kind]:
    """Every kind this environment manages: what export reads."""
    kinds = frozenset(Kind)
    return kinds if manifest.environment.manages_achievements else kinds - {Kind.ACHIEVEMENT}


def _achievements_or_missing(client: ReadClient) -> list[JSON] | None:
    """The achievements list, or None when the org has no achievements API (a 404 on the list).

    Genesys's published API has none; a 404 on the list itself means "not here", not "gone".
    """
    try:
        return client.list_achievements()
    except ApiError as error:
        if error.status == 404:
            return None
        raise


def fetch(
    client: ReadClient, manifest: Manifest, *, kinds: frozenset[Kind] | None = None
) -> LiveState:
    """Read the live state a plan of `manifest` needs (or every kind in `kinds`, for export).

    External metrics are read whenever anything is declared: profile metrics and achievement
    triggers name them. Profile metrics are read only for live profiles the manifest declares
    (one list each); unmanaged profiles are reported, not descended into.
    """
    wanted = declared_kinds(manifest) if kinds is None else kinds
    all_profiles = kinds is not None
    reads: dict[str, Callable[[], Any]] = {}
    if wanted:
        reads["external_metrics"] = client.list_external_metrics
    if Kind.PROFILE in wanted:
        reads["profiles"] = client.list_profiles
        reads["home_division"] = client.get_home_division
        if all_profiles or any(p.division for p in manifest.resources.profiles):
            reads["divisions"] = client.list_divisions
    if Kind.PROFILE in wanted or Kind.ACHIEVEMENT in wanted:
        reads["metric_definitions"] = client.list_metric_definitions
    if Kind.ACHIEVEMENT in wanted and manifest.environment.manages_achievements:
        reads["achievements"] = lambda: _achievements_or_missing(client)
    managed = {p.name: p.members for p in manifest.resources.profiles if p.members is not None}
    if Kind.PROFILE_MEMBERS in wanted and managed:
        reads["users"] = client.list_users
        reads["groups"] = client.list_groups
    names = list(reads)
    results = client.map(lambda name: reads[name](), names)
    state = LiveState(**dict(zip(names, results, strict=True)))
    if "achievements" in reads and state.achievements is None:
        state.achievements_missing = client.achievements_path
    if state.profiles:
        declared = {profile.name for profile in manifest.resources.profiles}
        ids = [str(p["id"]) for p in state.profiles if all_profiles or p.get("name") in declared]
        metrics = client.map(client.list_profile_metrics, ids)
        state.profile_metrics = dict(zip(ids, metrics, strict=True))
    if state.users is not None:
        ids = [str(p["id"]) for p in state.profiles or [] if p.get("name") in managed]
        members = client.map(client.list_profile_members, ids)
        state.profile_members = dict(zip(ids, members, strict=True))
        named = {group for members_of in managed.values() for group in members_of.groups}
        group_ids = [str(g["id"]) for g in state.groups if g.get("name") in named]
        found = client.map(client.list_group_members, group_ids)
        state.group_members = dict(zip(group_ids, found, strict=True))
    return state
