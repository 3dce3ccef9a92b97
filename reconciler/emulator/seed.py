"""The org a fresh emulator starts with (documented in the package docstring; others rely on it).

Ids are derived from the seed number and each object's name (uuid5), so two emulators started
with the same seed agree on every id, and a different seed gives a different-looking org.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from .state import JsonObject, OrgState

HOME_DIVISION = "Home"
SECOND_DIVISION = "Sales Floor"
DEFAULT_PROFILE = "Default Performance Profile"

# (name, shortName, unitType, default direction) — the native catalogue the `local` manifests use.
NATIVE_METRICS: tuple[tuple[str, str, str, str], ...] = (
    ("Average Handle Time", "AHT", "Seconds", "Down"),
    ("First Contact Resolution", "FCR", "Percent", "Up"),
    ("Average Talk Time", "ATT", "Seconds", "Down"),
    ("Average After Call Work Time", "ACW", "Seconds", "Down"),
    ("Quality Evaluation Score", "QES", "Percent", "Up"),
    ("Adherence", "ADH", "Percent", "Up"),
    ("Conformance", "CNF", "Percent", "Up"),
    ("Number of Interactions", "NOI", "Number", "Up"),
)
# Objective templates, by the zone direction of the metrics that use them.
TEMPLATES: tuple[tuple[str, str], ...] = (
    ("Up", "Higher is better"),
    ("Down", "Lower is better"),
    ("Flat", "Target area"),
)
DEFAULT_PROFILE_METRICS = ("Average Handle Time", "Quality Evaluation Score", "Adherence")

# (business unit, IANA zone, management unit)
BUSINESS_UNITS: tuple[tuple[str, str, str], ...] = (
    ("North America Sales", "America/New_York", "NY Floor"),
    ("UK Collections", "Europe/London", "London Floor"),
    ("India Support", "Asia/Kolkata", "Bengaluru Floor"),
)
# (first, last, business unit or None, state)
USERS: tuple[tuple[str, str, str | None, str], ...] = (
    ("Alice", "Nguyen", "North America Sales", "active"),
    ("Ben", "Carter", "North America Sales", "active"),
    ("Chloe", "Davies", "UK Collections", "active"),
    ("Daniel", "Evans", "UK Collections", "active"),
    ("Priya", "Sharma", "India Support", "active"),
    ("Arjun", "Mehta", "India Support", "active"),
    ("Emma", "Stone", None, "active"),
    ("Frank", "Miller", None, "inactive"),
)
# (group, business unit whose extra agents join it, seeded members' e-mails)
GROUPS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("Sales Floor East", "North America Sales", ("alice.nguyen", "ben.carter")),
    ("Sales Floor West", "UK Collections", ("chloe.davies", "daniel.evans", "emma.stone")),
)
MAX_AGENTS = 100_000  # extra agents: enough for any leaderboard, bounded for memory


def seeded_id(seed: int, kind: str, name: str) -> str:
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"reconciler-emulator/{seed}")
    return str(uuid.uuid5(namespace, f"{kind}/{name}"))


def iso(moment: datetime) -> str:
    """Genesys date-time format: UTC with milliseconds and a Z."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _zones(direction: str) -> list[JsonObject]:
    # A two-zone skeleton like the product's templates: points rise toward the better end.
    low, high = (0, 100)
    return [
        {
            "label": "Good",
            "directionType": direction,
            "zoneType": "Good",
            "lowerLimitValue": low,
            "upperLimitValue": high // 2,
            "lowerLimitPoints": 0,
            "upperLimitPoints": 50,
        },
        {
            "label": "Great",
            "directionType": direction,
            "zoneType": "Great",
            "lowerLimitValue": high // 2,
            "upperLimitValue": high,
            "lowerLimitPoints": 50,
            "upperLimitPoints": 100,
        },
    ]


def agent_email(number: int) -> str:
    """The e-mail of extra agent ``number`` (1-based): agent.0001@example.com, ..."""
    return f"agent.{number:04d}@example.com"


def seed_org(seed: int, created: datetime, agents: int = 0) -> OrgState:
    """The seeded org; ``agents`` extra active agents are spread over the business units."""
    if not 0 <= agents <= MAX_AGENTS:
        raise ValueError(f"extra agents must be between 0 and {MAX_AGENTS}, not {agents}")
    state = OrgState()
    stamp = iso(created)

    def sid(kind: str, name: str) -> str:
        return seeded_id(seed, kind, name)

    divisions = state.kind("divisions")
    for name, home in ((HOME_DIVISION, True), (SECOND_DIVISION, False)):
        div_id = sid("division", name)
        divisions[div_id] = {
            "id": div_id,
            "name": name,
            "description": "Home division" if home else "Agents on the sales floor",
            "homeDivision": home,
            "selfUri": f"/api/v2/authorization/divisions/{div_id}",
        }
    home_id = sid("division", HOME_DIVISION)
    home_ref = {
        "id": home_id,
        "name": HOME_DIVISION,
        "selfUri": f"/api/v2/authorization/divisions/{home_id}",
    }

    natives = state.kind("metricDefinitions")
    for name, short, unit_type, direction in NATIVE_METRICS:
        def_id = sid("metricDefinition", name)
        natives[def_id] = {
            "id": def_id,
            "name": name,
            "unitType": unit_type,
            "shortName": short,
            "dividendMetrics": [],
            "divisorMetrics": [],
            "defaultObjective": {
                "id": sid("defaultObjective", name),
                "templateId": sid("template", direction),
                "zones": _zones(direction),
                "enabled": True,
            },
            "mediaTypeFilteringAllowed": True,
            "initialDirectionFilteringAllowed": False,
            "queueFilteringAllowed": True,
            "selfUri": f"/api/v2/gamification/metricdefinitions/{def_id}",
        }

    templates = state.kind("templates")
    for direction, template_name in TEMPLATES:
        template_id = sid("template", direction)
        templates[template_id] = {
            "id": template_id,
            "name": template_name,
            "zones": _zones(direction),
            "selfUri": f"/api/v2/gamification/templates/{template_id}",
        }

    profile_id = sid("profile", DEFAULT_PROFILE)
    metric_ids: list[str] = []
    metrics = state.kind("profileMetrics")
    for name in DEFAULT_PROFILE_METRICS:
        metric_id = sid("profileMetric", f"{DEFAULT_PROFILE}/{name}")
        definition = natives[sid("metricDefinition", name)]
        metric_ids.append(metric_id)
        metrics[metric_id] = {
            "id": metric_id,
            "name": name,
            "metricDefinitionId": definition["id"],
            "objective": {
                "id": sid("objective", f"{DEFAULT_PROFILE}/{name}"),
                "templateId": definition["defaultObjective"]["templateId"],
                "zones": definition["defaultObjective"]["zones"],
                "enabled": True,
                "mediaTypes": [],
                "dateStart": created.date().isoformat(),
            },
            "performanceProfileId": profile_id,
            "dateCreated": stamp,
            "precision": 0,
            "timeDisplayUnit": "Seconds" if definition["unitType"] == "Seconds" else "None",
            "selfUri": f"/api/v2/gamification/profiles/{profile_id}/metrics/{metric_id}",
        }
    state.kind("profiles")[profile_id] = {
        "id": profile_id,
        "name": DEFAULT_PROFILE,
        "division": home_ref,
        "description": "The org's default performance profile",
        "metricOrders": metric_ids,
        "dateCreated": stamp,
        "reportingIntervals": [{"intervalType": "Day", "intervalValue": 30}],
        "active": True,
        "memberCount": 0,
        "maxLeaderboardRankSize": 10,
        "selfUri": f"/api/v2/gamification/profiles/{profile_id}",
        "_default": True,
    }

    users = state.kind("users")
    user_ids_by_bu: dict[str, list[str]] = {bu: [] for bu, _, _ in BUSINESS_UNITS}
    people = [(first, last, bu, user_state) for first, last, bu, user_state in USERS]
    for number in range(1, agents + 1):
        # Round-robin over the business units, so every time zone has agents.
        bu_name = BUSINESS_UNITS[(number - 1) % len(BUSINESS_UNITS)][0]
        people.append(("Agent", f"{number:04d}", bu_name, "active"))
    extra_ids: set[str] = set()
    for first, last, bu, user_state in people:
        email = f"{first.lower()}.{last.lower()}@example.com"
        user_id = sid("user", email)
        if first == "Agent":
            extra_ids.add(user_id)
        users[user_id] = {
            "id": user_id,
            "name": f"{first} {last}",
            "division": home_ref,
            "email": email,
            "username": email,
            "state": user_state,
            "primaryContactInfo": [{"address": email, "mediaType": "EMAIL", "type": "PRIMARY"}],
            "addresses": [],
            "version": 1,
            "selfUri": f"/api/v2/users/{user_id}",
        }
        if bu is not None:
            user_ids_by_bu[bu].append(user_id)

    units = state.kind("businessUnits")
    management_units = state.kind("managementUnits")
    for bu_name, zone, mu_name in BUSINESS_UNITS:
        bu_id = sid("businessUnit", bu_name)
        mu_id = sid("managementUnit", mu_name)
        units[bu_id] = {
            "id": bu_id,
            "name": bu_name,
            "settings": {
                "startDayOfWeek": "Monday",
                "timeZone": zone,
                "metadata": {"version": 1, "dateModified": stamp, "dateCreated": stamp},
            },
            "division": {"id": home_id, "selfUri": home_ref["selfUri"]},
            "selfUri": f"/api/v2/workforcemanagement/businessunits/{bu_id}",
        }
        management_units[mu_id] = {
            "id": mu_id,
            "name": mu_name,
            "businessUnitId": bu_id,
            "userIds": user_ids_by_bu[bu_name],
            "selfUri": f"/api/v2/workforcemanagement/managementunits/{mu_id}",
        }

    groups = state.kind("groups")
    for group_name, extra_from, seeded in GROUPS:
        group_id = sid("group", group_name)
        member_ids = [sid("user", f"{local}@example.com") for local in seeded]
        if extra_from is not None:  # the extra agents of that business unit join the group
            member_ids += [u for u in user_ids_by_bu[extra_from] if u in extra_ids]
        groups[group_id] = {
            "id": group_id,
            "name": group_name,
            "description": f"Agents of {group_name}",
            "dateModified": stamp,
            "memberCount": len(member_ids),
            "state": "active",
            "version": 1,
            "type": "official",
            "visibility": "public",
            "rulesVisible": False,
            "rolesEnabled": False,
            "selfUri": f"/api/v2/groups/{group_id}",
            "_memberIds": member_ids,
        }
    return state
