"""What apply tells an observer while it writes: how many steps, each start and end, the result.

The applier calls these from its worker threads (steps of one phase run concurrently), so an
implementation must be thread-safe. `reconciler.output.progress` prints them.
"""

from __future__ import annotations

from typing import Protocol

from .report import ApplyResult, StepResult


class Progress(Protocol):
    def begin(self, total: int) -> None:
        """Before the first write: how many write steps the plan has."""

    def started(self, step: StepResult) -> None:
        """A write was sent."""

    def finished(self, step: StepResult, seconds: float) -> None:
        """A write answered (`step.status` says how), after `seconds`."""

    def end(self, result: ApplyResult) -> None:
        """After the last write (also after a failure or an interruption)."""
