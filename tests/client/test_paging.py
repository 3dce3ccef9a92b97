from __future__ import annotations

import httpx
import pytest

from reconciler.client.paging import collect_pages
from reconciler.errors import ApiError

from .conftest import FakeGenesys, Handler, MakeClient


def paged_server(
    total: int, *, with_page_count: bool = True
) -> tuple[Handler, list[dict[str, str]]]:
    items = [{"id": f"m{n:03d}"} for n in range(total)]

    def api(request: httpx.Request) -> httpx.Response:
        size = int(request.url.params["pageSize"])
        number = int(request.url.params["pageNumber"])
        page = items[(number - 1) * size : number * size]
        body = {"entities": page, "pageSize": size, "pageNumber": number, "total": total}
        if with_page_count:
            body["pageCount"] = max(1, -(-total // size))
        return httpx.Response(200, json=body)

    return api, items


@pytest.mark.parametrize("total", [0, 1, 100, 101, 250])
def test_list_walks_every_page(make_client: MakeClient, server: FakeGenesys, total: int) -> None:
    server.api, items = paged_server(total)
    with make_client() as client:
        assert client.list_external_metrics() == items
    assert len(server.requests) == max(1, -(-total // 100))
    assert server.requests[0].url.params["pageNumber"] == "1"


def test_without_page_count_a_short_page_ends_the_walk(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api, items = paged_server(150, with_page_count=False)
    with make_client() as client:
        assert client.list_users() == items
    assert len(server.requests) == 2


def test_a_server_that_never_ends_is_cut_off() -> None:
    def endless(params: dict[str, int]) -> dict[str, object]:
        return {"entities": [{"id": "x"}] * params["pageSize"], "pageCount": 10**9}

    with pytest.raises(ApiError, match="more than 5 pages"):
        collect_pages(endless, "/api/v2/users", page_size=2, max_pages=5)


def test_a_body_without_entities_is_an_error(make_client: MakeClient, server: FakeGenesys) -> None:
    server.api = lambda request: httpx.Response(200, json=["not", "an", "envelope"][0])
    with make_client() as client, pytest.raises(ApiError, match="not an entity listing"):
        client.list_divisions()
