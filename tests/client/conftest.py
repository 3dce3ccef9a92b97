"""Fakes for the client's unit tests: a clock that never really sleeps, a scripted Genesys."""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from reconciler.client import GenesysClient, RetryPolicy

CLIENT_ID = "unit-client"
CLIENT_SECRET = "s3cr3t-value-never-shown"
BASE = "https://api.mypurecloud.ie"

Handler = Callable[[httpx.Request], httpx.Response]
MakeClient = Callable[..., GenesysClient]


@dataclass
class FakeClock:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def genesys_error(status: int, code: str, message: str, **headers: str) -> httpx.Response:
    body = {"message": message, "code": code, "status": status, "contextId": "ctx-body-1"}
    return httpx.Response(status, json=body, headers={"inin-correlation-id": "corr-1", **headers})


@dataclass
class FakeGenesys:
    """Answers /oauth/token itself; every other request goes to ``api`` (set by each test)."""

    api: Handler = lambda request: httpx.Response(200, json={})
    token_lifetime: int = 86399
    issued: list[str] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    token_requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            self.token_requests.append(request)
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if request.headers.get("authorization") != f"Basic {expected}":
                return httpx.Response(401, json={"error": "invalid_client"})
            token = f"token-{len(self.issued) + 1}-abcdef"
            self.issued.append(token)
            return httpx.Response(
                200,
                json={
                    "access_token": token,
                    "token_type": "bearer",
                    "expires_in": self.token_lifetime,
                },
            )
        self.requests.append(request)
        return self.api(request)

    def bearer_of(self, request: httpx.Request) -> str:
        return request.headers["authorization"].removeprefix("Bearer ")


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server() -> FakeGenesys:
    return FakeGenesys()


@pytest.fixture
def make_client(clock: FakeClock, server: FakeGenesys) -> Callable[..., GenesysClient]:
    def make(**options: Any) -> GenesysClient:
        defaults: dict[str, Any] = {
            "transport": httpx.MockTransport(server),
            "clock": clock,
            "sleep": clock.sleep,
            "rng": random.Random(7),
            "rate_limit_per_minute": None,
            "retry": RetryPolicy(),
        }
        defaults.update(options)
        return GenesysClient(BASE, CLIENT_ID, CLIENT_SECRET, **defaults)

    return make
