"""Pause Python's cyclic garbage collector while a manifest is loaded, validated and planned.

Loading keeps a located node tree (every YAML value with its file:line:column) and the models
built from it alive until the command ends: millions of objects that are never garbage. Each full
collection rescans all of them, and the collector runs more full collections the larger the org,
so with it on, load + validate + plan grew faster than the org (19x the time at 10x the size).
Reference counting still frees everything that is not part of a cycle; cycles made meanwhile are
collected once the outermost pause ends. The pause is counted, so nested and concurrent callers
re-enable the collector only when the last of them is done, and never enable a collector that
the caller had switched off.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


def without_gc(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` inside `paused()`."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused():
            return fn(*args, **kwargs)

    return wrapper
