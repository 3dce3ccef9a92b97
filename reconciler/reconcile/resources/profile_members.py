"""Profile members: the org's user directory, the desired and live member sets, and their diff.

Members are compared as sorted, lower-cased e-mail addresses. A live member the user list does
not know (deleted since) is shown by its id, so a plan can still remove it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ...manifests.models import Members
from ..normalize import JSON


@dataclass(frozen=True)
class Directory:
    """Users and groups of the org, as the member sets need them."""

    ids_by_email: dict[str, list[str]] = field(default_factory=dict)
    email_of: dict[str, str] = field(default_factory=dict)  # user id -> lower-case e-mail
    group_ids: dict[str, list[str]] = field(default_factory=dict)  # group name -> ids
    group_members: dict[str, list[str]] = field(default_factory=dict)  # group id -> user ids

    @classmethod
    def build(
        cls,
        users: Iterable[JSON],
        groups: Iterable[JSON],
        group_members: Mapping[str, Sequence[JSON]],
    ) -> Directory:
        directory = cls()
        for user in users:
            user_id, email = str(user.get("id")), str(user.get("email") or "").lower()
            if email and user.get("state") != "deleted":
                directory.ids_by_email.setdefault(email, []).append(user_id)
                directory.email_of[user_id] = email
        for group in groups:
            directory.group_ids.setdefault(str(group.get("name")), []).append(str(group.get("id")))
        for group_id, members in group_members.items():
            directory.group_members[group_id] = [str(m.get("id")) for m in members]
            for member in members:  # a group member the user list missed still has an e-mail
                email = str(member.get("email") or "").lower()
                if email and str(member.get("id")) not in directory.email_of:
                    directory.email_of[str(member.get("id"))] = email
                    directory.ids_by_email.setdefault(email, []).append(str(member.get("id")))
        return directory

    def label(self, user_id: str) -> str:
        """What a plan shows for a user: the e-mail, or the id of a user the list lacks."""
        return self.email_of.get(user_id, user_id)

    def user_id(self, label: str) -> str:
        """The id behind a label from `label()` (a single match: resolution checked that)."""
        ids = self.ids_by_email.get(label)
        return ids[0] if ids else label


def live_members(member_refs: Iterable[JSON], directory: Directory) -> dict[str, list[str]]:
    """The normal form of a profile's live member list."""
    return {"members": sorted({directory.label(str(ref.get("id"))) for ref in member_refs})}


@dataclass(frozen=True)
class Problem:
    """A name in `members:` that does not resolve; `path` locates it in the profile."""

    path: tuple[str | int, ...]
    message: str


def desired_members(
    members: Members, directory: Directory
) -> tuple[dict[str, list[str]], list[Problem]]:
    """The normal form of the declared member set, and every name that did not resolve."""
    labels: set[str] = set()
    problems: list[Problem] = []
    for index, email in enumerate(members.users):
        found = directory.ids_by_email.get(email.lower(), [])
        if len(found) == 1:
            labels.add(email.lower())
        else:
            what = "no user in the org has" if not found else f"{len(found)} users have"
            problems.append(Problem(("members", "users", index), f"{what} the e-mail {email!r}"))
    for index, name in enumerate(members.groups):
        ids = directory.group_ids.get(name, [])
        if len(ids) != 1:
            what = "no group in the org is" if not ids else f"{len(ids)} groups are"
            problems.append(Problem(("members", "groups", index), f"{what} named {name!r}"))
            continue
        labels.update(directory.label(user_id) for user_id in directory.group_members[ids[0]])
    return {"members": sorted(labels)}, problems


def member_changes(before: Sequence[str], after: Sequence[str]) -> tuple[list[str], list[str]]:
    """(added, removed) labels, each sorted."""
    return sorted(set(after) - set(before)), sorted(set(before) - set(after))
