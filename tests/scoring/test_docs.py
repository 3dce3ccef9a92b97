"""docs/scoring.md's worked examples are what the engine computes."""

from __future__ import annotations

import re
from pathlib import Path

from reconciler.manifests.models import ObjectiveType
from reconciler.manifests.objectives import expand
from reconciler.scoring import bands, daily_value, points

DOC = Path(__file__).resolve().parents[2] / "docs" / "scoring.md"
REVENUE = bands(
    z.model_dump(by_alias=True, mode="json")
    for z in expand(10000, 100, ObjectiveType.HIGHER_IS_BETTER)
)


def _money(text: str) -> float:
    sign = -1 if text.startswith("-") else 1
    return sign * float(text.lstrip("-$").replace(",", ""))


def test_the_target_table() -> None:
    rows = re.findall(r"^\| (-?\$[\d,.]+)[^|]* \| (\d+) \|$", DOC.read_text("utf-8"), re.M)
    assert len(rows) == 8
    for value, expected in rows:
        assert points(_money(value), REVENUE) == int(expected), value


def test_the_per_deal_table() -> None:
    rows = re.findall(
        r"^\| [^|]+ \| value ([\d.]+), count (\d+) \| ([\d,.]+) \| (\d+) \|$",
        DOC.read_text("utf-8"),
        re.M,
    )
    assert len(rows) == 3
    for total, count, shown, expected in rows:
        value = daily_value(float(total), int(count))
        assert value == _money(shown)
        assert points(value, REVENUE) == int(expected)
