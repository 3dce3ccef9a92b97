"""Planning profile members: one `profileMembers` action per profile that declares `members:`.

The desired set is the declared e-mails plus the members of the named groups, resolved against
the org's users and groups; the live set is the profile's member list. Any name that does not
resolve (no such user or group, or several) blocks the whole set, with the line that wrote it:
a partial member set would silently drop people from the leaderboard.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ..kinds import Address, Kind
from ..manifests.locate import locate
from ..manifests.manifest import Manifest
from .live import LiveObject, LiveState
from .plan import Action, FieldChange, Op
from .resources.profile_members import desired_members, member_changes


def member_field_changes(before: Sequence[str], after: Sequence[str]) -> tuple[FieldChange, ...]:
    """One change per user: `before` set for a removal, `after` set for an addition."""
    added, removed = member_changes(before, after)
    return tuple(FieldChange(path="members", before=label) for label in removed) + tuple(
        FieldChange(path="members", after=label) for label in added
    )


def plan_members(
    manifest: Manifest,
    live: LiveState,
    index: Mapping[Address, Sequence[LiveObject]],
    *,
    blocked_profiles: Collection[str],
    protected: Collection[str],
) -> list[Action]:
    if Kind.PROFILE_MEMBERS not in live.read_kinds():
        return []
    directory = live.directory()
    actions: list[Action] = []
    # Genesys holds a user in one profile: a user two profiles declare is a conflict in both.
    claimed: dict[str, list[str]] = {}
    for profile in manifest.resources.profiles:
        if profile.members is not None:
            for label in desired_members(profile.members, directory)[0]["members"]:
                claimed.setdefault(label, []).append(profile.name)
    for profile in manifest.resources.profiles:
        if profile.members is None:
            continue
        name = profile.name
        where = locate(manifest, Kind.PROFILE, name, ("members",))
        source = f"{where.file}:{where.line}" if where.file else None

        def add(
            op: Op,
            *,
            reason: str | None = None,
            live_id: str | None = None,
            changes: tuple[FieldChange, ...] = (),
            desired: dict[str, Any] | None = None,
            name: str = name,
            source: str | None = source,
        ) -> None:
            actions.append(
                Action(
                    op=op,
                    kind=Kind.PROFILE_MEMBERS,
                    name=name,
                    source=source,
                    reason=reason,
                    live_id=live_id,
                    changes=changes,
                    desired=desired,
                )
            )

        if name in blocked_profiles or len(index.get((Kind.PROFILE, name), [])) > 1:
            add(Op.BLOCKED, reason=f"its profile {name!r} is blocked")
            continue
        desired, problems = desired_members(profile.members, directory)
        if problems:
            lines = []
            for problem in problems:
                loc = locate(manifest, Kind.PROFILE, name, problem.path)
                at = f" ({loc.file}:{loc.line})" if loc.file else ""
                lines.append(problem.message + at)
            add(Op.BLOCKED, reason="; ".join(lines))
            continue
        conflicts = [
            f"{label} is also declared a member of {', '.join(repr(o) for o in others)}"
            for label in desired["members"]
            if (others := [other for other in claimed[label] if other != name])
        ]
        if conflicts:
            add(Op.BLOCKED, reason="a user belongs to one profile only: " + "; ".join(conflicts))
            continue
        found = index.get((Kind.PROFILE_MEMBERS, name), [])
        current: list[str] = list(found[0].normalized["members"]) if found else []
        live_id = found[0].id if found else None
        changes = member_field_changes(current, desired["members"])
        if not changes:
            add(Op.NOOP, live_id=live_id)
        elif name in protected:
            add(
                Op.BLOCKED,
                live_id=live_id,
                changes=changes,
                reason="protected by the environment's policy: the tool never changes it",
            )
        else:
            add(Op.UPDATE, live_id=live_id, changes=changes, desired={"profile": name, **desired})
    return actions
