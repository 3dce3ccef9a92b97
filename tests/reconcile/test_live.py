"""Reading live state: only the kinds a manifest declares, one metrics list per declared profile."""

from __future__ import annotations

from conftest import in_process_client
from reconcile_builders import HOME, live_sales, manifest, revenue, sales, wins

from reconciler.emulator import Emulator
from reconciler.kinds import Kind
from reconciler.reconcile.live import LiveState, fetch
from reconciler.reconcile.resources.profiles import live_profile


def reads(emulator: Emulator, desired_kinds: dict[str, tuple[object, ...]]) -> list[str]:
    with in_process_client(emulator) as client:
        emulator.reset_log()
        fetch(client, manifest(**desired_kinds))  # type: ignore[arg-type]
    return sorted(r.path for r in emulator.request_log if r.path.startswith("/api/"))


def test_only_external_metrics_declared_reads_one_list() -> None:
    assert reads(Emulator(), {"external_metrics": (revenue(),)}) == [
        "/api/v2/employeeperformance/externalmetrics/definitions"
    ]


def test_profiles_read_catalogues_and_only_declared_profiles_metrics() -> None:
    emulator = Emulator()
    home = emulator.objects("divisions")[0]["id"]
    with in_process_client(emulator) as client:
        created = client.create_profile(
            {"name": "Sales floor", "description": "Sales agents", "division": {"id": home},
             "reportingIntervals": [{"intervalType": "Day", "intervalValue": 30}],
             "active": True, "maxLeaderboardRankSize": 25}
        )  # fmt: skip
    # The seeded default profile is live but not declared: it is listed, not descended into.
    paths = reads(emulator, {"external_metrics": (revenue(),), "profiles": (sales(),)})
    # No profile names a division: the home division answers, the divisions list is not read.
    assert paths == [
        "/api/v2/authorization/divisions/home",
        "/api/v2/employeeperformance/externalmetrics/definitions",
        "/api/v2/gamification/metricdefinitions",
        "/api/v2/gamification/profiles",
        f"/api/v2/gamification/profiles/{created['id']}/metrics",
    ]


def test_achievements_read_their_list_and_the_native_catalogue() -> None:
    paths = reads(Emulator(), {"achievements": (wins(),)})
    assert "/api/v2/wem/achievements" in paths
    assert "/api/v2/gamification/profiles" not in paths


def test_export_reads_every_kind_and_every_profiles_metrics() -> None:
    emulator = Emulator()
    with in_process_client(emulator) as client:
        live = fetch(client, manifest(), kinds=frozenset(Kind))
    assert live.achievements == [] and live.external_metrics == []
    default = next(p for p in live.profiles or [] if p["name"] == "Default Performance Profile")
    assert len(live.profile_metrics[default["id"]]) == 3


def test_divisions_are_listed_only_when_a_profile_names_one() -> None:
    emulator = Emulator()
    named = sales(division="Home")
    paths = reads(emulator, {"external_metrics": (revenue(),), "profiles": (named,)})
    assert "/api/v2/authorization/divisions" in paths


def test_a_live_division_given_by_id_only_resolves_through_the_home_division() -> None:
    """Genesys may return a profile's division as {id, selfUri}: the home division read names it."""
    live = LiveState(
        external_metrics=[],
        profiles=[{**live_sales(), "division": {"id": HOME["id"]}}],
        home_division=HOME,
    )
    lookup = live.lookup()
    assert live_profile(live.profiles[0], lookup)["division"] == "Home"  # type: ignore[index]


def test_a_live_division_unknown_by_id_is_named_by_its_id_not_none() -> None:
    live = LiveState(external_metrics=[], profiles=[], home_division=HOME)
    raw = {**live_sales(), "division": {"id": "div-elsewhere"}}
    assert live_profile(raw, live.lookup())["division"] == "<division div-elsewhere>"
