"""The Genesys paging envelope: pageSize/pageNumber in, entities + counts + *Uri out."""

from __future__ import annotations

import math
from typing import Any

from ..errors import ApiFailure
from ..routing import Call

DEFAULT_PAGE_SIZE = 25


def _positive(call: Call, name: str, default: int) -> int:
    raw = call.arg(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ApiFailure(400, "bad.request", f"{name} must be a positive integer, not {raw!r}")
    return value


def page(
    call: Call, entities: list[dict[str, Any]], *, max_page_size: int | None = None
) -> dict[str, Any]:
    size = _positive(call, "pageSize", DEFAULT_PAGE_SIZE)
    number = _positive(call, "pageNumber", 1)
    if max_page_size is not None and size > max_page_size:
        raise ApiFailure(400, "bad.request", f"pageSize must not be greater than {max_page_size}")
    total = len(entities)
    count = math.ceil(total / size)

    def uri(n: int) -> str:
        return f"{call.path}?pageSize={size}&pageNumber={n}"

    envelope: dict[str, Any] = {
        "entities": entities[(number - 1) * size : number * size],
        "pageSize": size,
        "pageNumber": number,
        "total": total,
        "pageCount": count,
        "firstUri": uri(1),
        "selfUri": uri(number),
        "lastUri": uri(max(1, count)),
    }
    if number < count:
        envelope["nextUri"] = uri(number + 1)
    if number > 1:
        envelope["previousUri"] = uri(min(number - 1, max(1, count)))
    return envelope
