"""The apply report: each step succeeded, failed, unknown or not attempted; where it is kept."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .plan import FORMAT_VERSION, Op, Plan


@dataclass
class StepResult:
    address: str
    op: Op
    step: str
    # succeeded | failed | not attempted | unknown (interrupted while the write was in flight)
    # | blocked (the plan could not plan it; `error` says why)
    status: str = "not attempted"
    live_id: str | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "op": self.op.value,
            "step": self.step,
            "status": self.status,
            "live_id": self.live_id,
            "error": self.error,
        }


@dataclass
class ApplyResult:
    environment: str
    steps: list[StepResult] = field(default_factory=list)
    started: str = ""
    finished: str = ""
    interrupted: bool = False

    @property
    def failed(self) -> bool:
        """Interrupted, a step failed, or something was blocked: the org does not match."""
        return self.interrupted or any(step.status in ("failed", "blocked") for step in self.steps)

    @property
    def writes(self) -> int:
        return sum(1 for step in self.steps if step.status not in ("not attempted", "blocked"))

    def counts(self) -> dict[str, int]:
        result = {"succeeded": 0, "failed": 0, "unknown": 0, "not attempted": 0, "blocked": 0}
        for step in self.steps:
            result[step.status] += 1
        return result

    def to_json(self) -> str:
        data = {
            "format_version": FORMAT_VERSION,
            "environment": self.environment,
            "started": self.started,
            "finished": self.finished,
            "status": "interrupted"
            if self.interrupted
            else ("failed" if self.failed else "succeeded"),
            "counts": self.counts(),
            "steps": [step.as_dict() for step in self.steps],
        }
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    def summary(self) -> str:
        c = self.counts()
        verdict = "Apply interrupted" if self.interrupted else "Apply failed"
        if not self.failed:
            verdict = "Apply complete"
        unknown = f"{c['unknown']} unknown, " if c["unknown"] else ""
        blocked = f"{c['blocked']} blocked, " if c["blocked"] else ""
        return (
            f"{verdict}: {c['succeeded']} succeeded, {c['failed']} failed, {unknown}{blocked}"
            f"{c['not attempted']} not attempted."
        )


def blocked_steps(plan: Plan) -> list[StepResult]:
    """One report entry per blocked object: never written, and the reason why."""
    return [
        StepResult(
            action.address,
            action.op,
            "not planned",
            status="blocked",
            live_id=action.live_id,
            error=action.reason,
        )
        for action in plan.blocked
    ]


def write_report(result: ApplyResult, path: Path) -> None:
    """Atomically: a reader (or a crash) never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(result.to_json())
    os.replace(tmp, path)


def prepare_report(path: Path) -> None:
    """Fail before any write if the report cannot be written (it is written even on Ctrl-C)."""
    probe = path.with_name(f".{path.name}.{os.getpid()}.probe")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        probe.write_text("")
        probe.unlink()
    except OSError as error:
        raise UsageError(
            f"cannot write the apply report {path}: {error.strerror or error}"
        ) from None


def default_report_path(root: Path, env: str) -> Path:
    return root / ".reconciler" / env / "apply-report.json"
