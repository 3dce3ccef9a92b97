"""Read-only preflight of an org: can this OAuth client read what an environment needs?

Each check is one cheap GET (a first page where the list pages) of a read that plan, apply
or push makes, with the Genesys permission that read needs where Genesys documents it. The
token is fetched first; without one no read is tried. Nothing is written, nothing retried
beyond the client's own bounded policy, and no secret or token is ever part of a result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from ..errors import ApiError
from .api import (
    BUSINESS_UNITS,
    DEFINITIONS,
    DIVISIONS,
    GROUPS,
    METRIC_DEFINITIONS,
    PROFILES,
    USERS,
    GenesysClient,
)

__all__ = ["Check", "Preflight", "run"]

_FIRST_PAGE = {"pageSize": 1, "pageNumber": 1}
#: Genesys's read permission per path, as its published API documents them; None where it
#: documents none for that read (or the API is not Genesys's own, like achievements).
PERMISSIONS: dict[str, str | None] = {
    DEFINITIONS: "employeePerformance:externalMetricDefinition:view",
    PROFILES: "gamification:profile:view",
    METRIC_DEFINITIONS: "gamification:profile:view",
    DIVISIONS: None,
    f"{DIVISIONS}/home": None,
    BUSINESS_UNITS: None,
    f"{BUSINESS_UNITS}/{{id}}/users": "wfm:agent:view",
    # Listing users needs no permission beyond a valid token; groups document none either.
    USERS: None,
    GROUPS: None,
}


@dataclass(frozen=True)
class Check:
    """One read: `ok`, or the HTTP status (None: no answer) and what to do about it."""

    name: str
    path: str
    ok: bool
    status: int | None = None
    permission: str | None = None
    detail: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Preflight:
    host: str
    region: str | None
    client_id: str
    checks: tuple[Check, ...]
    rate_limit_allowed: int | None

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "host": self.host,
            "region": self.region,
            "client_id": self.client_id,
            "rate_limit_allowed": self.rate_limit_allowed,
            "checks": [check.as_dict() for check in self.checks],
        }


def _hint(status: int | None, permission: str | None) -> str | None:
    if status in (401, 403) and permission:
        return f"give the OAuth client's role {permission}"
    if status in (401, 403):
        return "give the OAuth client's role the permission to read this"
    return None


def _get(client: GenesysClient, path: str, params: dict[str, Any] | None) -> None:
    client.request("GET", path, params=params)


def _check(name: str, path: str, permission: str | None, call: Callable[[], Any]) -> Check:
    try:
        call()
    except ApiError as error:
        detail = _hint(error.status, permission) or str(error)
        return Check(name, path, False, error.status, permission, detail)
    return Check(name, path, True, 200, permission)


def run(
    client: GenesysClient,
    *,
    region: str | None,
    achievements_path: str | None,
    pushes: bool,
    members: bool = False,
) -> Preflight:
    """Every check for an environment; `achievements_path` None: achievements not managed.

    `members`: a declared profile manages its members, so plans read users and groups.
    """

    def done(checks: list[Check]) -> Preflight:
        allowed = client.limiter.announced
        return Preflight(client.base_url, region, client.client_id, tuple(checks), allowed)

    token = _check("token", "/oauth/token", None, client.authenticate)
    if not token.ok:
        detail = token.detail
        if token.status in (400, 401):
            detail = "the org refused this client id and secret (check both, and the region)"
        return done([Check(token.name, token.path, False, token.status, None, detail)])
    checks = [token]
    reads: list[tuple[str, str, dict[str, Any] | None]] = [
        ("external metric definitions", DEFINITIONS, _FIRST_PAGE),
        ("profiles", PROFILES, None),
        ("native metric definitions", METRIC_DEFINITIONS, None),
        ("divisions", DIVISIONS, _FIRST_PAGE),
        ("home division", f"{DIVISIONS}/home", None),
    ]
    if members:
        reads += [("users", USERS, _FIRST_PAGE), ("groups", GROUPS, _FIRST_PAGE)]
    for name, path, params in reads:
        checks.append(_check(name, path, PERMISSIONS[path], partial(_get, client, path, params)))
    if achievements_path is not None:
        check = _check(
            "achievements",
            achievements_path,
            None,
            partial(_get, client, achievements_path, _FIRST_PAGE),
        )
        if check.status == 404:
            check = Check(
                check.name,
                check.path,
                False,
                404,
                None,
                "the org has no achievements API here: set achievements_path in "
                "environment.yaml to the org's path, or to null to stop managing achievements",
            )
        checks.append(check)
    if pushes:
        checks.extend(_wfm(client))
    return done(checks)


def _wfm(client: GenesysClient) -> list[Check]:
    units: list[Any] = []

    def list_units() -> None:
        units.extend(client.list_business_units())

    listed = _check("WFM business units", BUSINESS_UNITS, PERMISSIONS[BUSINESS_UNITS], list_units)
    checks = [listed]
    users_path = f"{BUSINESS_UNITS}/{{id}}/users"
    for unit in units:
        unit_id = str(unit.get("id"))
        checks.append(
            _check(
                f"WFM users of {unit.get('name') or unit_id}",
                f"{BUSINESS_UNITS}/{unit_id}/users",
                PERMISSIONS[users_path],
                partial(client.list_business_unit_users, unit_id),
            )
        )
    return checks
