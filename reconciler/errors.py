"""The one exception root and the exit codes it carries.

    ReconcilerError            exit 1  anything expected that stops a command
    ├── ManifestError          exit 3  the manifests are invalid (carries every Problem found)
    ├── UsageError             exit 4  the command line itself is wrong
    ├── ConfigurationError     exit 1  credentials, target or environment settings missing/wrong
    ├── ApiError               exit 1  Genesys (or the emulator) answered with an error
    │   └── UncertainWriteError        a non-idempotent write may or may not have happened
    ├── BlockedError           exit 1  a plan holds objects that cannot be planned (shown in full)
    ├── PlanRefusedError       exit 5  a saved plan is stale, or needs a flag it was not given
    ├── LockedError            exit 6  another apply holds this environment's lock
    └── ApplyFailedError       exit 1  apply stopped part-way (the report says what happened)

Lower layers (httpx, pydantic, yaml, jinja2) are translated into these at the one module that
touches that library; the CLI maps ``exit_code`` to the process status and prints one line.
Exit code 2 is never an error: it means "changes present" (``--detailed-exitcode``, ``drift``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Literal


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    CHANGES = 2
    INVALID_MANIFEST = 3
    USAGE = 4
    PLAN_REFUSED = 5
    LOCKED = 6


Severity = Literal["error", "warning"]

_ESCAPES = {code: repr(chr(code))[1:-1] for code in (*range(0x20), 0x7F)}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a manifest, located as precisely as the source allows."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str
    severity: Severity = "error"
    rule: str | None = None

    def location(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        rule = f" [{self.rule}]" if self.rule else ""
        field_path = f"{self.path}: " if self.path else ""
        label = "" if self.severity == "error" else f"{self.severity}: "
        line = f"{self.location()}: {label}{field_path}{self.message}{rule}"
        # One problem, one line: a newline or tab in a file name, a name or a quoted message
        # (a library's) is shown escaped.
        return line.translate(_ESCAPES)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "severity": self.severity,
            "rule": self.rule,
        }


class ReconcilerError(Exception):
    """Base of every expected failure; ``exit_code`` is what the process exits with."""

    exit_code: ExitCode = ExitCode.ERROR


class ManifestError(ReconcilerError):
    """The manifests are invalid; ``problems`` holds every error found in one run."""

    exit_code = ExitCode.INVALID_MANIFEST

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(f"{len(errors)} problem(s) in the manifests")


class UsageError(ReconcilerError):
    """The command line is wrong (click's own usage errors are mapped here too)."""

    exit_code = ExitCode.USAGE


class ConfigurationError(ReconcilerError):
    """Settings outside the manifests are missing or wrong (credentials, region, paths)."""


@dataclass
class ApiErrorDetails:
    method: str
    path: str
    status: int | None
    code: str | None = None
    message: str | None = None
    correlation_id: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


class ApiError(ReconcilerError):
    """Genesys answered with an error (or never answered); never carries a token."""

    def __init__(
        self,
        method: str,
        path: str,
        status: int | None,
        *,
        code: str | None = None,
        message: str | None = None,
        correlation_id: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.code = code
        self.message = message
        self.correlation_id = correlation_id
        status_text = str(status) if status is not None else "no response"
        text = f"{method} {path} -> {status_text}"
        if code:
            text += f" {code}"
        if message:
            text += f": {message}"
        if correlation_id:
            text += f" (correlation id {correlation_id})"
        super().__init__(text)


class UncertainWriteError(ApiError):
    """A non-idempotent write was sent but its outcome is unknown (timeout, dropped connection).

    The caller must check whether the object exists (e.g. by name) before sending it again.
    """


class BlockedError(ReconcilerError):
    """The plan (printed in full first) holds blocked objects: the org cannot match it."""


class PlanRefusedError(ReconcilerError):
    """A plan cannot be applied as asked: stale, or it needs a flag such as --allow-replace."""

    exit_code = ExitCode.PLAN_REFUSED


class LockedError(ReconcilerError):
    """Another apply holds this environment's lock."""

    exit_code = ExitCode.LOCKED


class ApplyFailedError(ReconcilerError):
    """Apply stopped at a failure; ``report_path`` (if any) holds the full apply report."""

    def __init__(self, message: str, report_path: str | None = None) -> None:
        self.report_path = report_path
        super().__init__(message)
