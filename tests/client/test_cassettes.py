"""Replays of the recorded cassettes, offline (record_mode="none"); what they must not hold."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from reconciler.errors import ApiError

from . import scenario
from .conftest import FakeClock
from .recording import (
    CASSETTES,
    RECORD_CLIENT_ID,
    RECORD_SECRET,
    SCRUBBED,
    cassette_vcr,
    replay_client,
)

CASSETTE_FILES = sorted(CASSETTES.glob("*.yaml"))


def interactions(path: Path) -> list[dict[str, Any]]:
    loaded: dict[str, list[dict[str, Any]]] = yaml.safe_load(path.read_text())
    return loaded["interactions"]


def test_cassettes_exist() -> None:
    assert {p.name for p in CASSETTE_FILES} == {"every_endpoint.yaml", "errors.yaml"}


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: p.name)
def test_no_secret_or_token_in_any_cassette(path: Path) -> None:
    text = path.read_text()
    basic = base64.b64encode(f"{RECORD_CLIENT_ID}:{RECORD_SECRET}".encode()).decode()
    assert RECORD_SECRET not in text
    assert basic not in text
    for interaction in interactions(path):
        request, response = interaction["request"], interaction["response"]
        for name, values in request["headers"].items():
            if name.lower() in ("authorization", "cookie"):
                assert values == [SCRUBBED]
        body = response["body"]["string"]
        if request["uri"].endswith("/oauth/token"):
            assert request["body"] == SCRUBBED
            assert json.loads(body)["access_token"] == SCRUBBED
        # No bearer value leaks through an echo in a body either.
        assert "Bearer " not in (body if isinstance(body, str) else body.decode())


def test_every_endpoint_replays_with_the_documented_shapes() -> None:
    with cassette_vcr("none").use_cassette("every_endpoint.yaml"), replay_client() as client:
        seen = scenario.run(client)
    metric = seen["metric"]
    assert set(metric) >= {
        "id",
        "name",
        "unit",
        "unitDefinition",
        "precision",
        "defaultObjectiveType",
        "retentionMonths",
        "enabled",
        "inUse",
        "selfUri",
    }
    assert metric["precision"] == 0
    profile = seen["profile"]
    assert set(profile) >= {
        "id",
        "name",
        "division",
        "description",
        "metricOrders",
        "dateCreated",
        "reportingIntervals",
        "active",
        "memberCount",
        "maxLeaderboardRankSize",
        "selfUri",
    }
    (profile_metric,) = seen["profile_metrics"]
    assert set(profile_metric["objective"]) >= {"zones", "enabled"}
    zone = profile_metric["objective"]["zones"][0]
    assert set(zone) >= {
        "label",
        "directionType",
        "zoneType",
        "upperLimitPoints",
        "lowerLimitPoints",
    }
    write = seen["write"]
    assert set(write["processedEntities"][0]) >= {
        "metricId",
        "dateOccurred",
        "value",
        "totalValue",
        "totalCount",
    }
    assert set(write["unprocessedEntities"][0]) >= {"metricId", "code", "message"}
    assert seen["time_zones"]["North America Sales"] == "America/New_York"
    assert all({"id", "name"} <= set(d) for d in seen["divisions"])


def test_error_shapes_replay_into_api_errors() -> None:
    clock = FakeClock()
    replay = replay_client(clock=clock, sleep=clock.sleep)
    with cassette_vcr("none").use_cassette("errors.yaml"), replay as client:
        with pytest.raises(ApiError) as missing:
            client.get_external_metric("00000000-0000-0000-0000-000000000000")
        assert missing.value.status == 404
        assert missing.value.code == "employee.performance.external.metric.definition.not.found"
        assert missing.value.correlation_id
        # two recorded 429s, each with Retry-After: 3, then the answer
        assert client.list_profiles()[0]["name"] == "Default Performance Profile"
        # the recorded 401 (expired token) is followed by a new token and the retried request
        assert client.list_divisions()
        metric = client.create_external_metric(scenario.REVENUE)
        default = client.list_profiles()[0]
        client.create_profile_metric(
            default["id"], {"name": "Revenue closed", "externalMetricDefinitionId": metric["id"]}
        )
        with pytest.raises(ApiError) as in_use:
            client.delete_external_metric(metric["id"])
        assert in_use.value.status == 409
        assert (
            in_use.value.code
            == "employee.performance.external.metric.definition.state.conflict.error"
        )
        assert client.token_fetches == 2
    assert clock.sleeps == [3.0, 3.0]
