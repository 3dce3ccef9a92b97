"""A lost ledger, found and said: the ledger has no record of a metric Genesys holds data for.

The data API has no GET, so the ledger is the push's only memory of what Genesys stores. With
an empty one, a push still sends every point its input has (Total overwrites them), but a day
Genesys holds that the input no longer has — a cancelled deal, a deal moved to another owner —
is never zeroed: nothing says the point exists. The definition's `dateLastRefreshed` (set once
any data was written) tells "never pushed" from "pushed, and the ledger is gone".

`--rebuild` is the way back without the old ledger: every Genesys user's day in the covered
range is taken as "Genesys may hold anything", so each one the input has no deal for is
zeroed (or deleted, `--zero-mode delete`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .changes import Window
from .ledger import UNKNOWN, Entry


@dataclass(frozen=True)
class LostLedger:
    ledger: str  # where the ledger is (no password)
    last_written: str  # the definition's dateLastRefreshed
    covered: Window | None  # the days a stale point can hide in; None: nothing covered
    rebuilt: bool

    def lines(self) -> list[str]:
        """What happened, what cannot be corrected, how to recover: for the summary."""
        out = [
            f"  LEDGER LOST: {self.ledger} has no record of this metric, but Genesys holds data "
            f"for it (last written {self.last_written}).",
            "    Sent: every point the input has; each overwrites what Genesys held that day.",
        ]
        if self.rebuilt:
            out.append(
                "    Rebuilt (--rebuild): every user's day in "
                f"{self.covered or 'no covered range'} without a deal was zeroed or deleted."
            )
            return out
        where = f"in {self.covered}" if self.covered else "in the API window"
        out += [
            f"    Not corrected: {where}, a day Genesys holds for an agent that this input has "
            "no deal for (a cancelled or re-assigned deal) keeps its old value: without the "
            "ledger the push cannot know it exists.",
            "    To recover: run again with --ledger (or RECONCILER_LEDGER) naming the ledger "
            "the earlier pushes used; if it is gone, run once with --rebuild "
            "(and --from/--to for the days to repair).",
        ]
        return out

    def as_dict(self) -> dict[str, object]:
        covered = self.covered
        return {
            "ledger": self.ledger,
            "lastWritten": self.last_written,
            "notCorrected": None
            if self.rebuilt or covered is None
            else [covered.first.isoformat(), covered.last.isoformat()],
            "rebuilt": self.rebuilt,
        }


def lost_ledger(
    metric: Mapping[str, Any], knows: bool, ledger: str, covered: Window | None, rebuilt: bool
) -> LostLedger | None:
    last_written = metric.get("dateLastRefreshed")
    if knows or not last_written:
        return None
    return LostLedger(ledger, str(last_written), covered, rebuilt)


def rebuild_entries(
    entries: Mapping[tuple[str, date], Entry], user_ids: Iterable[str], covered: Window | None
) -> dict[tuple[str, date], Entry]:
    """The ledger's entries plus "unknown" for every user's covered day it does not have."""
    rebuilt = dict(entries)
    if covered is None:
        return rebuilt
    days = [
        covered.first + timedelta(days=n) for n in range((covered.last - covered.first).days + 1)
    ]
    for user_id in user_ids:
        for day in days:
            rebuilt.setdefault((user_id, day), UNKNOWN)
    return rebuilt
