"""The collector pause: off inside, restored by the outermost exit only, never forced on."""

from __future__ import annotations

import contextlib
import gc

from reconciler.gcpause import paused, without_gc


def test_pause_nests_and_restores_once() -> None:
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner exit must not switch it back on
    assert gc.isenabled()


def test_pause_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_decorated_function_runs_paused_and_restores_after_an_error() -> None:
    seen = []

    @without_gc
    def work() -> None:
        seen.append(gc.isenabled())
        raise ValueError("boom")

    with contextlib.suppress(ValueError):
        work()
    assert seen == [False]
    assert gc.isenabled()
