"""Walking the Genesys paging envelope: `pageSize`/`pageNumber` in, `entities`/`pageCount` out.

The loop stops at ``pageCount``; when a server omits it, at the first short or empty page;
and in any case after ``MAX_PAGES`` pages, so a server that keeps answering cannot hold a run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import ApiError

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGES", "collect_pages", "entities_of"]

DEFAULT_PAGE_SIZE = 100
MAX_PAGES = 1000


def entities_of(body: Any, method: str, path: str) -> list[dict[str, Any]]:
    """The ``entities`` list of a listing response (a bare list is accepted as is)."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        entities = body.get("entities", [])
        if isinstance(entities, list):
            return entities
    raise ApiError(method, path, 200, message="the response is not an entity listing")


def collect_pages(
    fetch: Callable[[dict[str, int]], Any],
    path: str,
    *,
    page_size: int = DEFAULT_PAGE_SIZE,
    max_pages: int = MAX_PAGES,
) -> list[dict[str, Any]]:
    """Fetch every page through ``fetch(params)`` and return all entities in order."""
    collected: list[dict[str, Any]] = []
    for page_number in range(1, max_pages + 1):
        body = fetch({"pageSize": page_size, "pageNumber": page_number})
        entities = entities_of(body, "GET", path)
        collected.extend(entities)
        page_count = body.get("pageCount") if isinstance(body, dict) else None
        if isinstance(page_count, int):
            if page_number >= page_count:
                return collected
        elif len(entities) < page_size:
            return collected
        if not entities:
            return collected
    raise ApiError("GET", path, 200, message=f"more than {max_pages} pages; giving up")
