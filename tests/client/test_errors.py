from __future__ import annotations

import httpx
import pytest

from reconciler.errors import ApiError, ReconcilerError

from .conftest import FakeClock, FakeGenesys, MakeClient, genesys_error


def test_genesys_error_body_becomes_error_fields(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = lambda request: genesys_error(
        409,
        "employee.performance.external.metric.definition.state.conflict.error",
        "The operation failed because the metric definition is in use",
    )
    with make_client() as client, pytest.raises(ApiError) as caught:
        client.delete_external_metric("m-1")
    error = caught.value
    assert isinstance(error, ReconcilerError)
    assert (error.method, error.path, error.status) == (
        "DELETE",
        "/api/v2/employeeperformance/externalmetrics/definitions/m-1",
        409,
    )
    assert error.code == "employee.performance.external.metric.definition.state.conflict.error"
    assert error.message == "The operation failed because the metric definition is in use"
    assert error.correlation_id == "corr-1"
    assert str(error).startswith(
        "DELETE /api/v2/employeeperformance/externalmetrics/definitions/m-1 -> 409"
    )


def test_correlation_id_falls_back_to_context_id(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = lambda request: httpx.Response(
        404, json={"code": "not.found", "message": "gone", "contextId": "ctx-9"}
    )
    with make_client() as client, pytest.raises(ApiError) as caught:
        client.get_profile("p")
    assert caught.value.correlation_id == "ctx-9"
    assert caught.value.code == "not.found"


def test_non_json_error_body_keeps_a_short_message(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = lambda request: httpx.Response(400, text="<html>" + "x" * 1000)
    with make_client() as client, pytest.raises(ApiError) as caught:
        client.get_profile("p")
    assert caught.value.code is None
    assert caught.value.message is not None
    assert len(caught.value.message) <= 200


def test_success_body_that_is_not_json_is_an_api_error(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = lambda request: httpx.Response(200, text="not json")
    with make_client() as client, pytest.raises(ApiError, match="not JSON"):
        client.get_profile("p")


def test_ids_are_one_path_segment(make_client: MakeClient, server: FakeGenesys) -> None:
    server.api = lambda request: httpx.Response(200, json={"id": "x"})
    with make_client() as client:
        client.get_profile("../../users/me")
    assert server.requests[0].url.raw_path == b"/api/v2/gamification/profiles/..%2F..%2Fusers%2Fme"


def test_a_single_object_endpoint_answering_something_else_is_an_api_error(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = lambda request: httpx.Response(200, json=[1, 2])
    with make_client() as client, pytest.raises(ApiError, match="expected a JSON object"):
        client.get_home_division()


def test_an_unreachable_host_is_named_in_the_error(
    make_client: MakeClient, clock: FakeClock
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused")

    with (
        make_client(transport=httpx.MockTransport(refuse)) as client,
        pytest.raises(ApiError) as caught,
    ):
        client.list_profiles()
    assert caught.value.status is None
    assert "Connection refused (at https://login.mypurecloud.ie)" in str(caught.value)
    assert len(clock.sleeps) == 5  # six attempts, then the error
