from __future__ import annotations

import threading
from datetime import date
from typing import Any

import httpx
import pytest

from .conftest import FakeGenesys, MakeClient, body_of

DEF = "/api/v2/employeeperformance/externalmetrics/definitions"
PROF = "/api/v2/gamification/profiles"
BU = "/api/v2/workforcemanagement/businessunits"
DAY = "2026-11-30"


def echo(request: httpx.Request) -> httpx.Response:
    if request.method == "DELETE":
        return httpx.Response(204)
    if request.url.path.endswith("/users") and "businessunits" in request.url.path:
        return httpx.Response(
            200,
            json={
                "managementUnits": [
                    {"managementUnit": {"id": "mu1"}, "users": [{"id": "u1"}, {"id": "u2"}]},
                    {"managementUnit": {"id": "mu2"}, "users": [{"id": "u3"}]},
                ]
            },
        )
    if request.url.params.get("expand") == "settings.timeZone":
        return httpx.Response(200, json={"id": "bu1", "settings": {"timeZone": "Asia/Kolkata"}})
    return httpx.Response(200, json={"id": "x", "entities": [{"id": "e1"}], "pageCount": 1})


CASES = [
    ("list_external_metrics", (), "GET", DEF, {"pageSize": "100", "pageNumber": "1"}),
    ("get_external_metric", ("m1",), "GET", f"{DEF}/m1", {}),
    ("create_external_metric", ({"name": "n"},), "POST", DEF, {}),
    ("patch_external_metric", ("m1", {"precision": 1}), "PATCH", f"{DEF}/m1", {}),
    ("delete_external_metric", ("m1",), "DELETE", f"{DEF}/m1", {}),
    ("list_profiles", (), "GET", PROF, {}),
    ("get_profile", ("p1",), "GET", f"{PROF}/p1", {}),
    ("create_profile", ({"name": "n"},), "POST", PROF, {"copyMetrics": "false"}),
    ("update_profile", ("p1", {"name": "n"}), "PUT", f"{PROF}/p1", {}),
    ("activate_profile", ("p1",), "POST", f"{PROF}/p1/activate", {}),
    ("deactivate_profile", ("p1",), "POST", f"{PROF}/p1/deactivate", {}),
    ("list_profile_metrics", ("p1",), "GET", f"{PROF}/p1/metrics", {"expand": "objective"}),
    ("create_profile_metric", ("p1", {"name": "n"}), "POST", f"{PROF}/p1/metrics", {}),
    ("update_profile_metric", ("p1", "k1", {"name": "n"}), "PUT", f"{PROF}/p1/metrics/k1", {}),
    ("list_metric_definitions", (), "GET", "/api/v2/gamification/metricdefinitions", {}),
    (
        "list_divisions",
        (),
        "GET",
        "/api/v2/authorization/divisions",
        {"pageSize": "100", "pageNumber": "1"},
    ),
    ("get_home_division", (), "GET", "/api/v2/authorization/divisions/home", {}),
    (
        "list_achievements",
        (),
        "GET",
        "/api/v2/wem/achievements",
        {"pageSize": "100", "pageNumber": "1"},
    ),
    ("create_achievement", ({"name": "n"},), "POST", "/api/v2/wem/achievements", {}),
    ("update_achievement", ("a1", {"name": "n"}), "PATCH", "/api/v2/wem/achievements/a1", {}),
    ("delete_achievement", ("a1",), "DELETE", "/api/v2/wem/achievements/a1", {}),
    ("list_users", (), "GET", "/api/v2/users", {"pageSize": "100", "pageNumber": "1"}),
    ("list_business_units", (), "GET", BU, {}),
    ("get_business_unit_time_zone", ("bu1",), "GET", f"{BU}/bu1", {"expand": "settings.timeZone"}),
    ("list_business_unit_users", ("bu1",), "GET", f"{BU}/bu1/users", {}),
    ("list_profile_members", ("p1",), "GET", f"{PROF}/p1/members", {}),
    (
        "validate_profile_members",
        ("p1", ["u1", "u2"]),
        "POST",
        f"{PROF}/p1/members/validate",
        {},
    ),
    ("assign_profile_members", ("p1", ["u1"], ["u2"]), "POST", f"{PROF}/p1/members", {}),
    ("get_user_profile", ("u1",), "GET", f"{PROF}/users/u1", {}),
    ("get_user_profile", ("u1", date(2026, 11, 30)), "GET", f"{PROF}/users/u1", {"workday": DAY}),
    ("find_users_by_email", ("a@example.com",), "POST", "/api/v2/users/search", {}),
    ("list_groups", (), "GET", "/api/v2/groups", {"pageSize": "100", "pageNumber": "1"}),
    (
        "list_group_members",
        ("g/1",),
        "GET",
        "/api/v2/groups/g%2F1/members",
        {"pageSize": "100", "pageNumber": "1"},
    ),
    (
        "get_user_scorecard",
        ("u1", date(2026, 11, 30)),
        "GET",
        "/api/v2/gamification/scorecards/users/u1",
        {"workday": DAY, "expand": "objective"},
    ),
    (
        "get_profile_leaderboard",
        ("p1", date(2026, 11, 1), date(2026, 11, 30)),
        "GET",
        "/api/v2/gamification/leaderboard/all",
        {
            "filterType": "PerformanceProfile",
            "filterId": "p1",
            "startWorkday": "2026-11-01",
            "endWorkday": DAY,
        },
    ),
    (
        "get_profile_leaderboard",
        ("p1", date(2026, 11, 30), date(2026, 11, 30), "k1"),
        "GET",
        "/api/v2/gamification/leaderboard/all",
        {
            "filterType": "PerformanceProfile",
            "filterId": "p1",
            "startWorkday": DAY,
            "endWorkday": DAY,
            "metricId": "k1",
        },
    ),
]


@pytest.mark.parametrize(
    ("name", "args", "method", "path", "params"), CASES, ids=[case[0] for case in CASES]
)
def test_each_method_sends_the_documented_request(
    make_client: MakeClient,
    server: FakeGenesys,
    name: str,
    args: tuple[Any, ...],
    method: str,
    path: str,
    params: dict[str, str],
) -> None:
    server.api = echo
    with make_client() as client:
        getattr(client, name)(*args)
    (request,) = server.requests
    assert (request.method, request.url.raw_path.decode().partition("?")[0]) == (method, path)
    assert dict(request.url.params) == params
    bodies = [a for a in args if isinstance(a, dict)]
    if bodies:
        assert body_of(request) == bodies[0]


def test_member_requests_carry_genesys_bodies(make_client: MakeClient, server: FakeGenesys) -> None:
    server.api = echo
    with make_client() as client:
        client.validate_profile_members("p1", iter(["u1", "u2"]))
        client.assign_profile_members("p1", assign=["u1"])
        client.assign_profile_members("p1", remove=["u2"])
        client.find_users_by_email("Alice@Example.com")
    validate, assign, remove, search = (body_of(r) for r in server.requests)
    assert validate == {"membersToAssign": ["u1", "u2"]}
    # Genesys requires both lists, even when one is empty.
    assert assign == {"membersToAssign": ["u1"], "membersToRemove": []}
    assert remove == {"membersToAssign": [], "membersToRemove": ["u2"]}
    assert search["query"] == [{"type": "EXACT", "fields": ["email"], "value": "Alice@Example.com"}]


def test_create_profile_can_copy_the_default_metrics(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = echo
    with make_client() as client:
        client.create_profile({"name": "n"}, copy_metrics=True)
    assert server.requests[0].url.params["copyMetrics"] == "true"


def test_results_are_what_genesys_returned(make_client: MakeClient, server: FakeGenesys) -> None:
    server.api = echo
    with make_client() as client:
        assert client.list_profiles() == [{"id": "e1"}]
        assert client.get_business_unit_time_zone("bu1") == "Asia/Kolkata"
        assert client.list_business_unit_users("bu1") == [
            {"id": "u1", "managementUnitId": "mu1"},
            {"id": "u2", "managementUnitId": "mu1"},
            {"id": "u3", "managementUnitId": "mu2"},
        ]
        client.delete_external_metric("m")


def test_achievements_base_path_is_configurable(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    server.api = echo
    with make_client(achievements_path="/api/v2/custom/achievements/") as client:
        client.update_achievement("a1", {"name": "n"})
    assert server.requests[0].url.path == "/api/v2/custom/achievements/a1"


def test_data_writes_are_limited_to_100_items(make_client: MakeClient, server: FakeGenesys) -> None:
    item = {"metricId": "m", "userId": "u", "dateOccurred": "2026-11-30", "value": 1}
    with make_client() as client:
        with pytest.raises(ValueError, match="100"):
            client.write_metric_data([item] * 101)
        server.api = lambda request: httpx.Response(
            200, json={"processedEntities": [item], "unprocessedEntities": []}
        )
        assert client.write_metric_data([item] * 100)["processedEntities"] == [item]
    assert body_of(server.requests[0]) == {"items": [item] * 100}


def test_get_users_sends_at_most_100_ids_per_request(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    def api(request: httpx.Request) -> httpx.Response:
        ids = request.url.params.get_list("id")
        return httpx.Response(200, json={"entities": [{"id": i} for i in ids], "pageCount": 1})

    server.api = api
    wanted = [f"u{n}" for n in range(250)]
    with make_client() as client:
        assert [u["id"] for u in client.get_users(wanted)] == wanted
    assert [len(r.url.params.get_list("id")) for r in server.requests] == [100, 100, 50]


def test_map_keeps_order_and_bounds_concurrency(
    make_client: MakeClient, server: FakeGenesys
) -> None:
    active = 0
    peak = 0
    lock = threading.Lock()
    release = threading.Event()

    def work(n: int) -> int:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
            if active == 3:
                release.set()
        release.wait(timeout=5)
        with lock:
            active -= 1
        return n * n

    with make_client(max_concurrency=3) as client:
        assert client.map(work, range(12)) == [n * n for n in range(12)]
    assert peak == 3


def test_map_reraises_the_first_failure(make_client: MakeClient) -> None:
    def work(n: int) -> int:
        if n == 4:
            raise KeyError(n)
        return n

    with make_client() as client, pytest.raises(KeyError):
        client.map(work, range(8))
