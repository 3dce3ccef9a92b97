"""Did-you-mean hints, on a budget shared by one load (thousands of misses must stay cheap)."""

from __future__ import annotations

import difflib
from collections.abc import Collection
from contextvars import ContextVar

#: Candidate comparisons that did-you-mean hints may make in one load. A hint costs a pass over
#: every candidate, so thousands of misses against thousands of names would take minutes.
MAX_SUGGESTION_WORK = 500_000

suggestion_budget: ContextVar[list[int] | None] = ContextVar("suggestion_budget", default=None)


def _afford(options: Collection[str]) -> bool:
    """Whether a hint over `options` fits the current load's budget (and spend it)."""
    budget = suggestion_budget.get()
    if budget is None:
        return True
    if budget[0] < len(options):
        budget[0] = 0  # spent: later hints stop before even listing their candidates
        return False
    budget[0] -= len(options)
    return True


def close_match(word: str, options: list[str], cutoff: float) -> str | None:
    if not _afford(options):
        return None
    close = difflib.get_close_matches(word, options, n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(word: str, candidates: Collection[str]) -> str:
    """` (did you mean 'x'?)` for the closest candidate, or an empty string."""
    if not _afford(candidates):
        return ""
    options = list(candidates)
    # A truncated key ("unitDef") means the longer key it starts, not the closest short one.
    prefixed = [c for c in options if len(word) >= 3 and c.lower().startswith(word.lower())]
    close = prefixed[:1] or difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
