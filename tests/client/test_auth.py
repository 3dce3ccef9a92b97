from __future__ import annotations

import base64

import httpx
import pytest

from reconciler.client import GenesysClient
from reconciler.errors import ApiError

from .conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    FakeClock,
    FakeGenesys,
    MakeClient,
    genesys_error,
)


def test_token_request_is_client_credentials_with_basic_auth(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    with make_client() as client:
        client.list_profiles()
    (token_request,) = server.token_requests
    assert token_request.url == "https://login.mypurecloud.ie/oauth/token"
    assert token_request.method == "POST"
    assert token_request.content == b"grant_type=client_credentials"
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    scheme, encoded = token_request.headers["authorization"].split(" ")
    assert scheme == "Basic"
    assert base64.b64decode(encoded).decode() == f"{CLIENT_ID}:{CLIENT_SECRET}"


def test_token_is_reused_until_shortly_before_expiry(
    make_client: MakeClient, server: FakeGenesys, clock: FakeClock
) -> None:
    server.token_lifetime = 3600
    with make_client() as client:
        client.list_profiles()
        clock.now += 3000
        client.list_profiles()
        assert len(server.token_requests) == 1
        clock.now += 560  # 40 s left: inside the early-expiry margin
        client.list_profiles()
    assert len(server.token_requests) == 2
    assert [server.bearer_of(r) for r in server.requests] == [
        server.issued[0],
        server.issued[0],
        server.issued[1],
    ]


def test_401_fetches_a_new_token_once_and_retries(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    def api(request: httpx.Request) -> httpx.Response:
        if server.bearer_of(request) == server.issued[0]:
            return genesys_error(401, "authentication.required", "No authentication bearer token")
        return httpx.Response(200, json={"entities": [{"id": "p1"}]})

    server.api = api
    with make_client() as client:
        assert client.list_profiles() == [{"id": "p1"}]
    assert len(server.token_requests) == 2


def test_a_second_401_is_an_error_not_a_loop(make_client: MakeClient, server: FakeGenesys) -> None:
    server.api = lambda request: genesys_error(401, "bad.credentials", "Invalid login credentials.")
    with make_client() as client, pytest.raises(ApiError) as caught:
        client.list_profiles()
    assert caught.value.status == 401
    assert caught.value.code == "bad.credentials"
    assert len(server.token_requests) == 2
    assert len(server.requests) == 2


def test_rejected_credentials_name_no_secret(make_client: MakeClient, server: FakeGenesys) -> None:

    transport = httpx.MockTransport(server)
    with (
        GenesysClient(
            "https://api.mypurecloud.ie",
            CLIENT_ID,
            "wrong-secret-xyz",
            transport=transport,
            rate_limit_per_minute=None,
        ) as client,
        pytest.raises(ApiError) as caught,
    ):
        client.list_profiles()
    assert caught.value.status == 401
    assert caught.value.path == "/oauth/token"
    assert "wrong-secret-xyz" not in str(caught.value)
    assert server.requests == []


def test_secret_and_token_never_in_repr_or_messages(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    # A server that echoes the bearer token back in its error message.
    def api(request: httpx.Request) -> httpx.Response:
        echoed = f"token {server.bearer_of(request)} rejected; secret {CLIENT_SECRET}"
        return genesys_error(400, "bad.request", echoed)

    server.api = api
    with make_client() as client:
        with pytest.raises(ApiError) as caught:
            client.get_profile("p1")
        shown = " ".join(
            [
                str(caught.value),
                repr(caught.value),
                repr(client),
                repr(client._requester),
                repr(client._requester.tokens),
            ]
        )
    assert server.issued[0] not in shown
    assert CLIENT_SECRET not in shown
    assert "***" in str(caught.value)


def test_concurrent_workers_share_one_token_fetch(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = lambda request: httpx.Response(200, json={"entities": []})
    with make_client(max_concurrency=8) as client:
        client.map(lambda _: client.list_profiles(), range(40))
    assert len(server.token_requests) == 1
    assert len(server.requests) == 40


def test_logs_carry_no_token_or_secret(
    make_client: MakeClient, server: FakeGenesys, caplog: pytest.LogCaptureFixture
) -> None:
    calls = []

    def api(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            echoed = f"bad token {server.bearer_of(request)} for secret {CLIENT_SECRET}"
            return genesys_error(503, "service.unavailable", echoed)
        return httpx.Response(200, json={"id": "p"})

    server.api = api
    with caplog.at_level("DEBUG", logger="reconciler.client"), make_client() as client:
        client.get_profile("p")
    assert "retry 1" in caplog.text
    assert server.issued[0] not in caplog.text
    assert CLIENT_SECRET not in caplog.text
