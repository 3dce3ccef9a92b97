"""The Plan: a small, ordered, serialisable list of actions, and its stable JSON form.

Pure data. The planner builds it, renderers print it, the applier executes it. Saved plans carry
the checksum of the manifests and the fingerprint of the live objects they were made against, so
an apply of a saved plan can refuse it as stale.
"""

from __future__ import annotations

import json
from collections import Counter
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..kinds import Kind

FORMAT_VERSION = 1


class Op(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"  # delete + create with a new id (an immutable field changed)
    DEACTIVATE = "deactivate"  # deactivate a profile / disable a metric / delete what can be
    NOOP = "no-op"
    UNMANAGED = "unmanaged"  # live, declared by no manifest: reported, never touched
    BLOCKED = "blocked"  # cannot be planned (ambiguous name, missing native metric, protected)


#: Ops that write to the org when applied.
WRITE_OPS = frozenset({Op.CREATE, Op.UPDATE, Op.REPLACE, Op.DEACTIVATE})


class FieldChange(BaseModel):
    """One field's before -> after; `path` is dotted, e.g. `objective.zones[0].upperLimitPoints`."""

    model_config = ConfigDict(frozen=True)

    path: str
    before: Any = None
    after: Any = None


class Action(BaseModel):
    """What apply will do to one object.

    `name` is the object's name; a profile metric is named `Profile Name/Metric Name`.
    `desired` is the manifest's normalised form (manifest field names, names not ids);
    `live_id` is the id of the live object acted on, if any.
    """

    model_config = ConfigDict(frozen=True)

    op: Op
    kind: Kind
    name: str
    live_id: str | None = None
    changes: tuple[FieldChange, ...] = ()
    reason: str | None = None
    desired: dict[str, Any] | None = None
    source: str | None = Field(default=None, description="file:line of the declaration")

    @property
    def address(self) -> str:
        return f"{self.kind.value}.{self.name}"


class Plan(BaseModel):
    model_config = ConfigDict(frozen=True)

    format_version: int = FORMAT_VERSION
    environment: str
    actions: tuple[Action, ...] = ()
    manifest_checksum: str = ""
    live_fingerprint: str = ""
    #: One-line facts about the plan as a whole (e.g. a kind this environment does not manage).
    notes: tuple[str, ...] = ()
    #: `--target KIND:NAME`s the plan was narrowed to; empty for a full plan.
    targets: tuple[str, ...] = ()

    @property
    def partial(self) -> bool:
        return bool(self.targets)

    def counts(self) -> dict[Op, int]:
        counter = Counter(action.op for action in self.actions)
        return {op: counter.get(op, 0) for op in Op}

    @property
    def has_changes(self) -> bool:
        return any(action.op in WRITE_OPS for action in self.actions)

    @property
    def blocked(self) -> tuple[Action, ...]:
        return tuple(action for action in self.actions if action.op is Op.BLOCKED)

    def blocked_error(self) -> str | None:
        """The one error line a run ends with when anything is blocked, else None."""
        if not self.blocked:
            return None
        names = ", ".join(action.address for action in self.blocked)
        return f"{len(self.blocked)} blocked (not planned; the plan says why): {names}"

    def to_json(self) -> str:
        """The stable, saved form (`plan --out`); keys sorted so equal plans are equal text."""
        return json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Plan:
        return cls.model_validate_json(text)
