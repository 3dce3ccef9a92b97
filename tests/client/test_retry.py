from __future__ import annotations

import random

import httpx
import pytest

from reconciler.client import RetryPolicy
from reconciler.errors import ApiError, UncertainWriteError

from .conftest import FakeClock, FakeGenesys, Handler, MakeClient, body_of, genesys_error


def scripted(*outcomes: httpx.Response | Exception) -> Handler:
    """An API handler answering with ``outcomes`` in turn (exceptions are raised), then 200."""
    queue = list(outcomes)

    def api(request: httpx.Request) -> httpx.Response:
        if queue:
            outcome = queue.pop(0)
            if isinstance(outcome, Exception):
                raise outcome
            return outcome
        return httpx.Response(200, json={"id": "ok", "entities": []})

    return api


def test_5xx_on_a_get_is_retried_until_it_succeeds(
    make_client: MakeClient, server: FakeGenesys, clock: FakeClock
) -> None:
    server.api = scripted(
        genesys_error(503, "service.unavailable", "busy"),
        genesys_error(502, "bad.gateway", "bad gateway"),
    )
    with make_client() as client:
        assert client.get_profile("p")["id"] == "ok"
    assert len(server.requests) == 3
    assert len(clock.sleeps) == 2


def test_retries_stop_after_the_attempt_budget(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = lambda request: genesys_error(500, "internal.server.error", "boom")
    with make_client(retry=RetryPolicy(attempts=3)) as client, pytest.raises(ApiError) as caught:
        client.get_profile("p")
    assert caught.value.status == 500
    assert len(server.requests) == 3


def test_retries_stop_at_the_total_time_budget(
    make_client: MakeClient, server: FakeGenesys, clock: FakeClock
) -> None:
    server.api = lambda request: genesys_error(
        503, "service.unavailable", "busy", **{"Retry-After": "10"}
    )
    policy = RetryPolicy(attempts=100, total_seconds=35)
    with make_client(retry=policy) as client, pytest.raises(ApiError):
        client.get_profile("p")
    assert sum(clock.sleeps) <= 35
    assert len(server.requests) == 4  # at 0, 10, 20, 30 s; a fifth would end past 35 s


def test_429_waits_exactly_retry_after(
    make_client: MakeClient, server: FakeGenesys, clock: FakeClock
) -> None:
    server.api = scripted(
        genesys_error(429, "too.many.requests.retry.after", "slow down", **{"Retry-After": "12"})
    )
    with make_client() as client:
        client.get_profile("p")
    assert clock.sleeps == [12.0]
    assert len(server.requests) == 2


def test_429_storm_longer_than_the_attempt_budget_still_completes(
    make_client: MakeClient, server: FakeGenesys, clock: FakeClock
) -> None:
    storm = [genesys_error(429, "too.many.requests", "slow", **{"Retry-After": "1"})] * 10
    server.api = scripted(*storm)
    with make_client(retry=RetryPolicy(attempts=3)) as client:
        client.get_profile("p")
    assert clock.sleeps == [1.0] * 10


def test_429_without_retry_after_waits_the_default(
    make_client: MakeClient, server: FakeGenesys, clock: FakeClock
) -> None:
    server.api = scripted(genesys_error(429, "too.many.requests", "slow"))
    with make_client() as client:
        client.get_profile("p")
    assert clock.sleeps == [RetryPolicy().default_retry_after]


def test_retry_after_beyond_the_cap_fails_instead_of_waiting_hours(
    make_client: MakeClient, server: FakeGenesys, clock: FakeClock
) -> None:
    server.api = lambda request: genesys_error(
        429, "too.many.requests", "daily", **{"Retry-After": "7200"}
    )
    with make_client() as client, pytest.raises(ApiError) as caught:
        client.get_profile("p")
    assert caught.value.status == 429
    assert clock.sleeps == []


def test_backoff_is_full_jitter_within_its_ceiling() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=4.0)
    rng = random.Random(1)
    for retry_number, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (9, 4.0)]:
        draws = [policy.backoff(retry_number, rng) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in draws)
        # jitter, not a fixed step: the draws spread over the range
        assert max(draws) - min(draws) > ceiling / 2


def test_a_dropped_connection_on_a_get_is_retried(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = scripted(
        httpx.RemoteProtocolError("Server disconnected without sending a response.")
    )
    with make_client() as client:
        assert client.get_profile("p")["id"] == "ok"
    assert len(server.requests) == 2


def test_a_post_whose_response_was_lost_is_not_retried(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = scripted(httpx.ReadError("connection reset"))
    with make_client() as client, pytest.raises(UncertainWriteError) as caught:
        client.create_external_metric({"name": "Revenue"})
    assert len(server.requests) == 1
    assert caught.value.method == "POST"
    assert caught.value.status is None
    assert "check before sending it again" in str(caught.value)


@pytest.mark.parametrize(
    "lost",
    [
        httpx.ReadTimeout("timed out"),
        httpx.WriteError("broken pipe"),
        httpx.RemoteProtocolError("Server disconnected"),
    ],
)
def test_every_kind_of_lost_response_makes_a_create_uncertain(
    make_client: MakeClient, server: FakeGenesys, lost: Exception
) -> None:
    server.api = scripted(lost)
    with make_client() as client, pytest.raises(UncertainWriteError):
        client.create_profile({"name": "Sales"})
    assert len(server.requests) == 1


def test_a_post_refused_before_sending_is_retried(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = scripted(httpx.ConnectError("connection refused"))
    with make_client() as client:
        client.create_external_metric({"name": "Revenue"})
    assert len(server.requests) == 2


def test_a_post_refused_by_the_rate_limiter_is_retried(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = scripted(genesys_error(429, "too.many.requests", "slow", **{"Retry-After": "2"}))
    with make_client() as client:
        client.create_profile_metric("p", {"name": "AHT"})
    assert len(server.requests) == 2


def test_a_post_refused_as_too_busy_is_retried(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = scripted(genesys_error(503, "service.unavailable", "busy"))
    with make_client() as client:
        client.create_external_metric({"name": "Revenue"})
    assert len(server.requests) == 2


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_post_that_failed_mid_way_is_uncertain(
    make_client: MakeClient, server: FakeGenesys, status: int
) -> None:
    server.api = scripted(genesys_error(status, "internal.server.error", "failed"))
    with make_client() as client, pytest.raises(UncertainWriteError) as caught:
        client.create_external_metric({"name": "Revenue"})
    assert caught.value.status == status
    assert len(server.requests) == 1


def test_a_post_answered_504_by_a_gateway_is_uncertain(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = scripted(genesys_error(504, "request.timeout", "gateway timeout"))
    with make_client() as client, pytest.raises(UncertainWriteError):
        client.create_achievement({"name": "FCR Master"})


def test_activate_is_repeatable_so_it_is_retried_after_a_lost_response(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = scripted(httpx.ReadError("reset"))
    with make_client() as client:
        client.activate_profile("p")
    assert len(server.requests) == 2


def test_overwriting_data_writes_are_retried_cumulative_ones_are_not(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    total = [{"metricId": "m", "userId": "u", "dateOccurred": "2026-11-30", "value": 3}]
    cumulative = [{**total[0], "type": "Cumulative"}]
    server.api = scripted(httpx.ReadError("reset"))
    with make_client() as client:
        client.write_metric_data(total)
        assert len(server.requests) == 2
        server.api = scripted(httpx.ReadError("reset"))
        with pytest.raises(UncertainWriteError):
            client.write_metric_data(cumulative)
    assert len(server.requests) == 3
    assert body_of(server.requests[-1]) == {"items": cumulative}


def test_4xx_is_not_retried(make_client: MakeClient, server: FakeGenesys) -> None:
    server.api = lambda request: genesys_error(400, "invalid.value", "precision must be 0-5")
    with make_client() as client, pytest.raises(ApiError):
        client.patch_external_metric("m", {"precision": 9})
    assert len(server.requests) == 1


def test_request_count_counts_every_attempt_sent(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = scripted(genesys_error(503, "service.unavailable", "busy"))
    with make_client() as client:
        client.get_profile("p")
        assert client.request_count == 2


def test_a_delete_retried_after_a_lost_response_accepts_404(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = scripted(
        httpx.ReadError("reset"),
        genesys_error(404, "employee.performance.external.metric.definition.not.found", "gone"),
    )
    with make_client() as client:
        client.delete_external_metric("m")
    assert len(server.requests) == 2


def test_a_delete_of_something_never_there_is_still_404(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = lambda request: genesys_error(404, "not.found", "no such metric")
    with make_client() as client, pytest.raises(ApiError) as caught:
        client.delete_external_metric("m")
    assert caught.value.status == 404


def test_a_response_body_that_fails_to_decode_is_retried_on_a_get(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = scripted(httpx.DecodingError("invalid gzip"))
    with make_client() as client:
        assert client.get_profile("p")["id"] == "ok"
    assert len(server.requests) == 2


def test_a_lost_post_response_reads_as_one_sentence(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    """httpx's own message ends with a period; the error continues the sentence after it."""
    server.api = scripted(
        httpx.RemoteProtocolError("Server disconnected without sending a response.")
    )
    with make_client() as client, pytest.raises(UncertainWriteError) as caught:
        client.create_external_metric({"name": "Revenue"})
    text = str(caught.value)
    assert "without sending a response after the request was sent;" in text
    assert ". after" not in text
