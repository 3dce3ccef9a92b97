"""Steps: one write of an action each; a phase is the steps of one kind and stage, run together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..kinds import Kind
from .members_apply import ASSIGN
from .plan import Action, Op
from .report import StepResult


class StepFailed(Exception):
    """Internal: a step failed; the message is what the report says."""


@dataclass
class Step:
    action: Action
    name: str
    run: Callable[[], str | None]  # returns the live id it produced or acted on
    result: StepResult = field(init=False)

    def __post_init__(self) -> None:
        self.result = StepResult(self.action.address, self.action.op, self.name)


def phases(steps: list[Step]) -> list[list[list[Step]]]:
    """Consecutive steps of one kind and stage, grouped per action.

    Actions inside a phase do not depend on each other (their dependencies ran in an earlier
    phase), so they run concurrently; one action's own steps (delete, then create) stay in order.
    """
    result: list[list[list[Step]]] = []
    last_key: tuple[Kind, bool, bool, bool] | None = None
    for step in steps:
        removal = step.action.op is Op.DEACTIVATE
        activation = step.name in ("activate", "deactivate") and not removal
        key = (step.action.kind, removal, activation, step.name == ASSIGN)
        if key != last_key:
            result.append([])
            last_key = key
        groups = result[-1]
        if groups and groups[-1][0].action is step.action:
            groups[-1].append(step)
        else:
            groups.append([step])
    return result
