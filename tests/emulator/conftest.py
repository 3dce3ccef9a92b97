"""Fixtures: an emulator with a fixed clock, and an httpx client already holding a token."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from reconciler.emulator import Emulator

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
DEFINITIONS = "/api/v2/employeeperformance/externalmetrics/definitions"
DATA = "/api/v2/employeeperformance/externalmetrics/data"
PROFILES = "/api/v2/gamification/profiles"


class FakeClock:
    """A monotonic clock tests move by hand, so rate-limit tests never sleep."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def token(client: httpx.Client) -> str:
    reply = client.post(
        "/oauth/token",
        auth=("reconciler-local", "emulator-secret"),
        data={"grant_type": "client_credentials"},
    )
    assert reply.status_code == 200, reply.text
    return str(reply.json()["access_token"])


def authed_client(emulator: Emulator) -> httpx.Client:
    client = httpx.Client(transport=emulator.transport(), base_url="http://emulator.test")
    client.headers["Authorization"] = f"Bearer {token(client)}"
    return client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock) -> Emulator:
    return Emulator(now=lambda: NOW, clock=clock)


@pytest.fixture
def api(emulator: Emulator) -> Iterator[httpx.Client]:
    client = authed_client(emulator)
    yield client
    client.close()


def definition_body(name: str = "Daily_Revenue_Closed", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "unit": "Currency",
        "unitDefinition": "USD",
        "precision": 2,
        "defaultObjectiveType": "HigherIsBetter",
        "enabled": True,
    }
    body.update(overrides)
    return body


def create_definition(api: httpx.Client, name: str = "Daily_Revenue_Closed", **kw: Any) -> Any:
    reply = api.post(DEFINITIONS, json=definition_body(name, **kw))
    assert reply.status_code == 201, reply.text
    return reply.json()


def home_division_id(api: httpx.Client) -> str:
    return str(api.get("/api/v2/authorization/divisions/home").json()["id"])


def profile_body(api: httpx.Client, name: str = "Sales floor") -> dict[str, Any]:
    return {
        "name": name,
        "description": "Sales agents",
        "division": {"id": home_division_id(api)},
        "reportingIntervals": [{"intervalType": "Day", "intervalValue": 30}],
        "active": True,
        "maxLeaderboardRankSize": 25,
    }


def zones() -> list[dict[str, Any]]:
    return [
        {
            "label": "Good",
            "directionType": "Up",
            "zoneType": "Good",
            "lowerLimitValue": 0,
            "upperLimitValue": 1000,
            "lowerLimitPoints": 0,
            "upperLimitPoints": 50,
        }
    ]


def user_id(emulator: Emulator, email: str) -> str:
    return str(next(u["id"] for u in emulator.objects("users") if u["email"] == email))
