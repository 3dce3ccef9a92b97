"""Applying profile members: removals first (every profile), then validated assignments.

Genesys holds a user in one custom profile. Running every profile's removals before any
assignment lets a plan move a user between two declared profiles. Before assigning, the
members/validate check names users another profile holds: by now that profile is one whose
members no manifest manages, so those users are refused with that reason, never moved.
A 200 answer can still refuse users (`assignmentErrors`): those are failures too.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from .normalize import JSON
from .plan import Action
from .resources.profile_members import Directory

REMOVE = "remove members"
ASSIGN = "assign members"


class MembersClient(Protocol):
    def validate_profile_members(self, profile_id: str, user_ids: Iterable[str]) -> JSON: ...
    def assign_profile_members(
        self, profile_id: str, assign: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> JSON: ...


class MembersRefused(Exception):
    """Some users could not be assigned or removed; the message names them and why."""


def removed(action: Action) -> list[str]:
    return [str(c.before) for c in action.changes if c.path == "members" and c.after is None]


def added(action: Action) -> list[str]:
    return [str(c.after) for c in action.changes if c.path == "members" and c.before is None]


def step_names(action: Action) -> list[str]:
    return ([REMOVE] if removed(action) else []) + ([ASSIGN] if added(action) else [])


@dataclass(frozen=True)
class MemberWrites:
    client: MembersClient
    directory: Directory
    profile_names: Mapping[str, str]  # live profile id -> name
    declared: Collection[str]  # profile names some manifest declares

    def _errors(self, answer: JSON) -> list[str]:
        return [
            f"{self._who(error.get('user'))}: {error.get('message') or 'refused'}"
            for error in answer.get("assignmentErrors") or []
            if isinstance(error, dict)
        ]

    def _who(self, ref: object) -> str:
        user_id = str(ref.get("id")) if isinstance(ref, dict) else str(ref)
        return self.directory.label(user_id)

    def remove(self, profile_id: str, action: Action) -> None:
        ids = [self.directory.user_id(label) for label in removed(action)]
        answer = self.client.assign_profile_members(profile_id, remove=ids)
        if problems := self._errors(answer):
            raise MembersRefused("; ".join(problems))

    def assign(self, profile_id: str, action: Action) -> None:
        ids = [self.directory.user_id(label) for label in added(action)]
        check = self.client.validate_profile_members(profile_id, ids)
        problems: list[str] = []
        refused: set[str] = set()
        for held in check.get("membersAlreadyAssignedToOther") or []:
            holder = str((held.get("currentProfile") or {}).get("id"))
            if holder == profile_id:
                continue
            name = self.profile_names.get(holder, holder)
            why = (
                "whose members no manifest manages"
                if name in self.declared
                else ("which no manifest declares")
            )
            refused.add(str(held.get("id")))
            problems.append(f"{self._who(held)} is held by profile {name!r}, {why}")
        for invalid in check.get("invalidMemberAssignments") or []:
            refused.add(str((invalid.get("user") or {}).get("id")))
            problems.append(f"{self._who(invalid.get('user'))}: {invalid.get('message')}")
        free = [user_id for user_id in ids if user_id not in refused]
        if free:
            problems += self._errors(self.client.assign_profile_members(profile_id, assign=free))
        if problems:
            raise MembersRefused("blocked: " + "; ".join(problems))
