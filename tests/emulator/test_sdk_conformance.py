"""Conformance: the official Genesys Python SDK drives the loopback emulator.

Every response must deserialize into the SDK's models with the fields populated — the SDK is
generated from Genesys's swagger, so this checks names and types against the real contract.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

# A declared test extra: if it is missing the import fails the run rather than skipping it.
import PureCloudPlatformClientV2 as sdk
import pytest

from reconciler.emulator import Emulator, EmulatorServer, serve

from .conftest import NOW


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    state = Path(tmp_path_factory.mktemp("sdk")) / "state.json"
    with serve(Emulator(state, now=lambda: NOW)) as running:
        yield running


@pytest.fixture(scope="module")
def api_client(server: EmulatorServer) -> Any:
    # The SDK derives the login host from the API host ("//api." -> "//login."); a loopback URL
    # has no "api." so the token request goes to the emulator's own /oauth/token.
    client = sdk.api_client.ApiClient(host=server.url)
    return client.get_client_credentials_token("reconciler-local", "emulator-secret")


def _populated(model: Any, *names: str) -> None:
    for name in names:
        assert getattr(model, name) is not None, f"{type(model).__name__}.{name} is empty"


def test_definitions_round_trip(api_client: Any) -> None:
    api = sdk.GamificationApi(api_client)
    body = sdk.ExternalMetricDefinitionCreateRequest()
    body.name, body.unit, body.unit_definition = "SDK revenue", "Currency", "USD"
    body.precision, body.default_objective_type, body.enabled = 2, "HigherIsBetter", True
    created = api.post_employeeperformance_externalmetrics_definitions(body=body)
    assert isinstance(created, sdk.ExternalMetricDefinition)
    _populated(created, "id", "name", "unit", "unit_definition", "precision", "retention_months")
    _populated(created, "default_objective_type", "enabled", "in_use", "self_uri")

    listing = api.get_employeeperformance_externalmetrics_definitions(page_size=25, page_number=1)
    assert isinstance(listing, sdk.ExternalMetricDefinitionListing)
    _populated(listing, "entities", "page_size", "page_number", "total", "page_count", "self_uri")
    assert created.id in {d.id for d in listing.entities}

    patch = sdk.ExternalMetricDefinitionUpdateRequest()
    patch.precision = 1
    patched = api.patch_employeeperformance_externalmetrics_definition(created.id, patch)
    assert patched.precision == 1 and patched.unit == "Currency"
    fetched = api.get_employeeperformance_externalmetrics_definition(created.id)
    assert fetched.name == "SDK revenue"


def test_profiles_and_metrics(api_client: Any) -> None:
    gamification = sdk.GamificationApi(api_client)
    home = sdk.AuthorizationApi(api_client).get_authorization_divisions_home()
    _populated(home, "id", "name", "home_division")

    catalogue = gamification.get_gamification_metricdefinitions()
    _populated(catalogue, "total", "entities")
    aht = next(d for d in catalogue.entities if d.name == "Average Handle Time")
    _populated(aht, "id", "unit_type", "short_name", "default_objective")
    assert aht.default_objective.zones[0].direction_type == "Down"

    create = sdk.CreatePerformanceProfile()
    create.name, create.description = "SDK floor", "made by the SDK"
    division = sdk.WritableDivision()
    division.id = home.id
    create.division = division
    interval = sdk.ReportingInterval()
    interval.interval_type, interval.interval_value = "Day", 30
    create.reporting_intervals, create.active, create.max_leaderboard_rank_size = (
        [interval],
        True,
        10,
    )
    profile = gamification.post_gamification_profiles(create, copy_metrics=False)
    assert isinstance(profile, sdk.PerformanceProfile)
    _populated(profile, "id", "name", "division", "description", "metric_orders", "date_created")
    _populated(
        profile, "reporting_intervals", "active", "member_count", "max_leaderboard_rank_size"
    )
    assert profile.reporting_intervals[0].interval_type == "Day"

    zone = sdk.ObjectiveZone()
    zone.label, zone.direction_type, zone.zone_type = "Good", "Down", "Good"
    zone.lower_limit_value, zone.upper_limit_value = 0, 300
    zone.lower_limit_points, zone.upper_limit_points = 0, 100
    objective = sdk.CreateObjective()
    objective.zones, objective.enabled, objective.date_start = [zone], True, date(2026, 12, 1)
    metric_body = sdk.CreateMetric()
    metric_body.name, metric_body.metric_definition_id, metric_body.objective = (
        "AHT",
        aht.id,
        objective,
    )
    metric = gamification.post_gamification_profile_metrics(profile.id, metric_body)
    assert isinstance(metric, sdk.Metric)
    _populated(metric, "id", "name", "metric_definition_id", "objective", "performance_profile_id")
    _populated(metric, "date_created", "precision", "self_uri")
    assert metric.objective.date_start == date(2026, 12, 1)
    assert metric.objective.zones[0].upper_limit_value == 300

    listing = gamification.get_gamification_profile_metrics(profile.id, expand=["objective"])
    assert listing.total == 1 and listing.entities[0].objective.zones[0].zone_type == "Good"

    objective.enabled = False
    updated = gamification.put_gamification_profile_metric(profile.id, metric.id, metric_body)
    assert updated.objective.enabled is False

    put = sdk.PerformanceProfile()
    put.name, put.description, put.metric_orders = "SDK floor 2", "renamed", [metric.id]
    renamed = gamification.put_gamification_profile(profile.id, body=put)
    assert renamed.name == "SDK floor 2"
    assert gamification.post_gamification_profile_deactivate(profile.id).active is False
    profiles = gamification.get_gamification_profiles()
    assert profile.id in {p.id for p in profiles.entities}

    details = gamification.get_gamification_profile_metrics_objectivedetails(profile.id)
    (detail,) = details.entities
    _populated(detail, "id", "name", "order", "metric_definition_name", "unit_type", "max_points")
    assert (detail.enabled, detail.max_points, detail.unit_type) == (False, 100, "Seconds")
    templates = gamification.get_gamification_templates()
    _populated(templates.entities[0], "id", "name", "zones")
    assert {t.id for t in templates.entities} >= {aht.default_objective.template_id}


def test_data_write_and_directory(api_client: Any, server: EmulatorServer) -> None:
    gamification = sdk.GamificationApi(api_client)
    body = sdk.ExternalMetricDefinitionCreateRequest()
    body.name, body.unit, body.precision = "SDK calls", "Number", 0
    body.default_objective_type, body.enabled = "HigherIsBetter", True
    definition = gamification.post_employeeperformance_externalmetrics_definitions(body=body)

    search = sdk.UserSearchRequest()
    criterion = sdk.UserSearchCriteria()
    criterion.type, criterion.fields, criterion.values = (
        "EXACT",
        ["email"],
        ["alice.nguyen@example.com"],
    )
    search.query = [criterion]
    found = sdk.UsersApi(api_client).post_users_search(search)
    assert found.total == 1
    alice = found.results[0]
    _populated(alice, "id", "name", "email", "state", "division", "primary_contact_info")
    users = sdk.UsersApi(api_client).get_users(id=[alice.id])
    assert users.entities[0].email == "alice.nguyen@example.com"

    good = sdk.ExternalMetricDataItem()
    good.metric_id, good.user_id, good.date_occurred, good.value = (
        definition.id,
        alice.id,
        date(2026, 11, 30),
        4.0,
    )
    by_email = sdk.ExternalMetricDataItem()
    by_email.metric_id, by_email.user_email = definition.id, "ben.carter@example.com"
    by_email.date_occurred, by_email.value, by_email.count, by_email.type = (
        date(2026, 11, 29),
        9.0,
        3,
        "Total",
    )
    late = sdk.ExternalMetricDataItem()
    late.metric_id, late.user_id, late.date_occurred, late.value = (
        definition.id,
        alice.id,
        date(2026, 1, 1),
        1.0,
    )
    request = sdk.ExternalMetricDataWriteRequest()
    request.items = [good, by_email, late]
    result = gamification.post_employeeperformance_externalmetrics_data(body=request)
    assert isinstance(result, sdk.ExternalMetricDataWriteResponse)
    first, second = result.processed_entities
    _populated(
        first,
        "metric_id",
        "user_id",
        "date_occurred",
        "value",
        "count",
        "type",
        "total_value",
        "total_count",
    )
    assert (second.total_value, second.total_count, second.user_email) == (
        9.0,
        3,
        "ben.carter@example.com",
    )
    (rejected,) = result.unprocessed_entities
    _populated(rejected, "code", "message", "date_occurred")
    assert len(server.emulator.data_points()) == 2

    wfm = sdk.WorkforceManagementApi(api_client)
    units = wfm.get_workforcemanagement_businessunits()
    unit = next(u for u in units.entities if u.name == "North America Sales")
    full = wfm.get_workforcemanagement_businessunit(unit.id, expand=["settings.timeZone"])
    assert full.settings.time_zone == "America/New_York"
    members = wfm.get_workforcemanagement_businessunit_users(unit.id)
    assert alice.id in {u.id for mu in members.management_units for u in mu.users}


def test_errors_deserialize_as_error_body(api_client: Any) -> None:
    api = sdk.GamificationApi(api_client)
    with pytest.raises(sdk.rest.ApiException) as raised:
        api.get_employeeperformance_externalmetrics_definition("missing")
    assert raised.value.status == 404
    body = json.loads(raised.value.body)
    assert body["code"] == "employee.performance.external.metric.definition.not.found"
    # Every key the emulator sends is a field of the SDK's ErrorBody.
    assert set(body) <= set(sdk.ErrorBody().attribute_map.values())


def test_members_groups_scorecards_and_leaderboards(api_client: Any) -> None:
    gamification = sdk.GamificationApi(api_client)
    groups = sdk.GroupsApi(api_client)
    listing = groups.get_groups(page_size=25, page_number=1)
    assert isinstance(listing, sdk.GroupEntityListing)
    _populated(listing, "entities", "page_size", "page_number", "total", "page_count")
    east = next(g for g in listing.entities if g.name == "Sales Floor East")
    _populated(east, "id", "name", "member_count", "state", "type", "visibility", "self_uri")
    members = groups.get_group_members(east.id, page_size=25, page_number=1)
    assert isinstance(members, sdk.UserEntityListing)
    alice, ben = sorted(members.entities, key=lambda u: u.email)
    assert (alice.email, ben.email) == ("alice.nguyen@example.com", "ben.carter@example.com")

    body = sdk.ExternalMetricDefinitionCreateRequest()
    body.name, body.unit, body.precision = "SDK revenue per deal", "Currency", 2
    body.default_objective_type, body.enabled = "HigherIsBetter", True
    definition = gamification.post_employeeperformance_externalmetrics_definitions(body=body)
    home = sdk.AuthorizationApi(api_client).get_authorization_divisions_home()
    create = sdk.CreatePerformanceProfile()
    create.name, create.description = "SDK scorers", "scored by the SDK"
    division = sdk.WritableDivision()
    division.id = home.id
    create.division, create.active, create.max_leaderboard_rank_size = division, True, 10
    interval = sdk.ReportingInterval()
    interval.interval_type, interval.interval_value = "Day", 30
    create.reporting_intervals = [interval]
    profile = gamification.post_gamification_profiles(create, copy_metrics=False)
    below, target = sdk.ObjectiveZone(), sdk.ObjectiveZone()
    below.label, below.direction_type, below.zone_type = "Below target", "Up", "Good"
    below.lower_limit_value, below.upper_limit_value = 0, 10000
    below.lower_limit_points, below.upper_limit_points = 0, 100
    target.label, target.direction_type, target.zone_type = "Target", "Up", "Target"
    target.lower_limit_value, target.lower_limit_points, target.upper_limit_points = 10000, 100, 100
    objective = sdk.CreateObjective()
    objective.zones, objective.enabled, objective.date_start = (
        [below, target],
        True,
        date(2026, 11, 1),
    )
    metric_body = sdk.CreateMetric()
    metric_body.name, metric_body.external_metric_definition_id = "Revenue", definition.id
    metric_body.objective = objective
    metric = gamification.post_gamification_profile_metrics(profile.id, metric_body)

    check = sdk.ValidateAssignUsers()
    check.members_to_assign = [alice.id, ben.id, "nobody"]
    validation = gamification.post_gamification_profile_members_validate(profile.id, check)
    assert isinstance(validation, sdk.AssignmentValidation)
    assert {m.id for m in validation.members_not_assigned} == {alice.id, ben.id}
    assert validation.invalid_member_assignments[0].user.id == "nobody"
    assign = sdk.AssignUsers()
    assign.members_to_assign, assign.members_to_remove = [alice.id, ben.id], []
    assignment = gamification.post_gamification_profile_members(profile.id, assign)
    assert isinstance(assignment, sdk.Assignment)
    assert {m.id for m in assignment.assigned_members} == {alice.id, ben.id}
    again = gamification.post_gamification_profile_members_validate(profile.id, check)
    assert {m.id for m in again.members_already_assigned} == {alice.id, ben.id}
    listed = gamification.get_gamification_profile_members(profile.id)
    assert isinstance(listed, sdk.MemberListing)
    assert {m.id for m in listed.entities} == {alice.id, ben.id}
    assert gamification.get_gamification_profiles_user(alice.id).id == profile.id

    items = []
    for user, value, count in ((alice, 10000.0, 1), (ben, 15000.0, 3)):
        item = sdk.ExternalMetricDataItem()
        item.metric_id, item.user_id, item.date_occurred = (
            definition.id,
            user.id,
            date(2026, 11, 30),
        )
        item.value, item.count, item.type = value, count, "Total"
        items.append(item)
    request = sdk.ExternalMetricDataWriteRequest()
    request.items = items
    gamification.post_employeeperformance_externalmetrics_data(body=request)

    card = gamification.get_gamification_scorecards_user(
        ben.id, date(2026, 11, 30), expand=["objective"]
    )
    assert isinstance(card, sdk.WorkdayMetricListing)
    (scored,) = card.entities
    assert isinstance(scored, sdk.WorkdayMetric)
    _populated(scored, "metric", "objective", "points", "max_points", "value", "business_unit_id")
    assert (scored.value, scored.points, scored.max_points) == (5000.0, 50, 100)
    assert scored.metric.id == metric.id and scored.objective.zones[1].zone_type == "Target"

    board = gamification.get_gamification_leaderboard_all(
        "PerformanceProfile",
        profile.id,
        date(2026, 11, 30),
        date(2026, 11, 30),
        metric_id=metric.id,
    )
    assert isinstance(board, sdk.Leaderboard)
    _populated(board, "division", "metric", "date_start_workday", "date_end_workday", "leaders")
    _populated(board, "performance_profile")
    assert board.date_start_workday == date(2026, 11, 30)
    assert [(x.user.id, x.rank, x.points) for x in board.leaders] == [
        (alice.id, 1, 100),
        (ben.id, 2, 50),
    ]
    assert isinstance(board.leaders[0], sdk.LeaderboardItem)
