"""Apply progress on stderr: a line when each write starts and ends, then a summary.

Not a terminal (a CI log): plain lines only, nothing rewritten, so the log reads top to bottom.
On a terminal the same lines scroll above a bar with the count, the elapsed time and an ETA,
redrawn in place (`\\r` + erase line); the bar is cleared before the closing line. The
command prints the counts (stdout, or `--format json`) after it.
"""

from __future__ import annotations

import threading
import time
from typing import TextIO

from ..reconcile.report import ApplyResult, StepResult
from .render import value

BAR_WIDTH = 24


def duration(seconds: float) -> str:
    """`0.41s`, `12.3s`, `2m05s`: short enough for a log line, precise where it matters."""
    if seconds < 10:
        return f"{seconds:.2f}s"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m{rest:02d}s"


def _what(step: StepResult) -> str:
    kind, _, name = step.address.partition(".")
    return f"{kind} {value(name)}: {step.step}"


def _closing(result: ApplyResult, seconds: float) -> str:
    # The counts follow on stdout (or in the JSON result); this line adds the time it took.
    verb = "interrupted after" if result.interrupted else "took"
    return f"Apply {verb} {duration(seconds)} ({result.writes} write(s) sent)."


class LineProgress:
    """Plain lines on `stream`; thread-safe (the applier's workers call it concurrently)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.lock = threading.Lock()
        self.total = 0
        self.done = 0
        self.numbers: dict[int, int] = {}
        self.began = time.monotonic()

    def _emit(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()

    def begin(self, total: int) -> None:
        with self.lock:
            self.total = total
            self.began = time.monotonic()
            if total:
                self._emit(f"Applying {total} write(s)...")

    def started(self, step: StepResult) -> None:
        with self.lock:
            self.numbers[id(step)] = number = len(self.numbers) + 1
            self._emit(f"[{number}/{self.total}] {_what(step)} started")

    def finished(self, step: StepResult, seconds: float) -> None:
        with self.lock:
            self.done += 1
            number = self.numbers.get(id(step), self.done)
            error = f": {step.error}" if step.error else ""
            self._emit(
                f"[{number}/{self.total}] {_what(step)} {step.status} in {duration(seconds)}{error}"
            )

    def end(self, result: ApplyResult) -> None:
        with self.lock:
            self._emit(_closing(result, time.monotonic() - self.began))


class BarProgress(LineProgress):
    """LineProgress plus a bar with an ETA on the last line of a terminal."""

    def _emit(self, line: str) -> None:
        self.stream.write("\r\x1b[K" + line + "\n")
        self._bar()

    def _bar(self) -> None:
        if self.total < 2:
            self.stream.flush()
            return
        elapsed = time.monotonic() - self.began
        filled = BAR_WIDTH * self.done // self.total
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        eta = duration(elapsed / self.done * (self.total - self.done)) if self.done else "unknown"
        self.stream.write(
            f"\r\x1b[K[{bar}] {self.done}/{self.total} writes, {duration(elapsed)} elapsed, "
            f"ETA {eta}"
        )
        self.stream.flush()

    def end(self, result: ApplyResult) -> None:
        with self.lock:
            self.stream.write("\r\x1b[K")
            self.stream.write(_closing(result, time.monotonic() - self.began) + "\n")
            self.stream.flush()


def for_stream(stream: TextIO) -> LineProgress:
    """A bar on a terminal, plain lines elsewhere."""
    isatty = getattr(stream, "isatty", None)
    return BarProgress(stream) if isatty and isatty() else LineProgress(stream)
