"""Lists of records (zones, reporting intervals) as aligned rows instead of one JSON line each.

    label    zoneType  lowerLimitValue  upperLimitValue
    "Out"    "Out"     0                80
    "Good"   "Good"    80               95

Values are compact JSON (strings quoted, None as null) like everywhere in a plan; a column that
is null in every row is left out; keys keep the order of the first record that has them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any


def cell(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))


def is_records(data: Any) -> bool:
    """A non-empty list whose items are all mappings of scalars: shown as a table."""
    return (
        isinstance(data, list | tuple)
        and bool(data)
        and all(
            isinstance(item, Mapping)
            and not any(isinstance(v, Mapping | list | tuple) for v in item.values())
            for item in data
        )
    )


def rows(records: Sequence[Mapping[str, Any]]) -> list[str]:
    """A header of keys, then one aligned row per record (trailing spaces stripped)."""
    keys: list[str] = []
    for record in records:
        keys += [k for k in record if k not in keys]
    keys = [k for k in keys if any(record.get(k) is not None for record in records)]
    table = [keys] + [[cell(record.get(k)) for k in keys] for record in records]
    widths = [max(len(line[i]) for line in table) for i in range(len(keys))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in table
    ]


def record(data: Mapping[str, Any]) -> list[str]:
    """One record as aligned `key = value` lines (a zone added or removed in an update)."""
    shown = {k: v for k, v in data.items() if v is not None}
    width = max((len(k) for k in shown), default=0)
    return [f"{k.ljust(width)} = {cell(v)}" for k, v in shown.items()]
