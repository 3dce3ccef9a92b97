"""``GenesysClient``: one typed method per Genesys endpoint the reconciler and the push use.

Methods return the JSON Genesys returns (dicts and lists); list methods walk every page and
return the entities. The client is synchronous and thread-safe; ``map`` runs a function over
items on a bounded thread pool, and the shared rate limiter keeps all workers under the limit.

    with GenesysClient("https://api.mypurecloud.ie", client_id, client_secret) as client:
        for metric in client.list_external_metrics():
            print(metric["name"])
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import httpx

from ..errors import ApiError, ConfigurationError
from .auth import Credentials
from .http import Requester
from .paging import DEFAULT_PAGE_SIZE, collect_pages, entities_of
from .ratelimit import RateLimiter
from .retry import RetryPolicy
from .urls import url_problem

__all__ = ["DEFAULT_ACHIEVEMENTS_PATH", "MAX_DATA_ITEMS", "GenesysClient", "login_url_for"]

DEFAULT_ACHIEVEMENTS_PATH = "/api/v2/wem/achievements"
MAX_DATA_ITEMS = 100
MAX_USER_IDS = 100

DEFINITIONS = "/api/v2/employeeperformance/externalmetrics/definitions"
DATA = "/api/v2/employeeperformance/externalmetrics/data"
PROFILES = "/api/v2/gamification/profiles"
METRIC_DEFINITIONS = "/api/v2/gamification/metricdefinitions"
DIVISIONS = "/api/v2/authorization/divisions"
USERS = "/api/v2/users"
BUSINESS_UNITS = "/api/v2/workforcemanagement/businessunits"
GROUPS = "/api/v2/groups"
SCORECARDS = "/api/v2/gamification/scorecards"
LEADERBOARD = "/api/v2/gamification/leaderboard"

T = TypeVar("T")
R = TypeVar("R")
JSON = dict[str, Any]


def login_url_for(base_url: str) -> str:
    """The OAuth host for an API base URL: ``api.<domain>`` becomes ``login.<domain>``.

    Any other host (an emulator, a proxy) serves ``/oauth/token`` on its own origin, which is
    also what Genesys's SDKs assume when pointed at a custom base URL.
    """
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if host.startswith("api."):
        netloc = parts.netloc.replace("api.", "login.", 1)
        return f"{parts.scheme}://{netloc}"
    return f"{parts.scheme}://{parts.netloc}"


def _checked_url(url: str, what: str) -> str:
    """``url`` without a trailing slash, or a ConfigurationError saying what is wrong with it."""
    problem = url_problem(url)
    if problem is not None:
        raise ConfigurationError(f"{what} {problem}")
    return url.strip().rstrip("/")


def _seg(value: str) -> str:
    """An id as one path segment (ids come from the API, but never trust them into a path)."""
    return quote(str(value), safe="")


class GenesysClient:
    """Synchronous, thread-safe client for the Genesys Cloud endpoints this project uses.

    ``rate_limit_per_minute=None`` turns client-side pacing off (for an in-process emulator
    that does not limit); ``clock``, ``sleep`` and ``rng`` exist so tests never really wait.
    """

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        login_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        rate_limit_per_minute: int | None = 300,
        rate_limit_burst: int | None = None,
        max_concurrency: int = 4,
        achievements_path: str = DEFAULT_ACHIEVEMENTS_PATH,
        retry: RetryPolicy | None = None,
        timeout: float = 30,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self.base_url = _checked_url(base_url, "the API base URL")
        login = _checked_url(login_url or login_url_for(self.base_url), "the login URL")
        self.max_concurrency = max_concurrency
        self.achievements_path = "/" + achievements_path.strip("/")
        self.limiter = RateLimiter(
            rate_limit_per_minute, burst=rate_limit_burst, clock=clock, sleep=sleep
        )
        self._requester = Requester(
            base_url=self.base_url,
            login_url=login,
            credentials=Credentials(client_id, client_secret),
            transport=transport,
            timeout=timeout,
            limiter=self.limiter,
            policy=retry or RetryPolicy(),
            max_connections=max(max_concurrency, 1) * 2,
            clock=clock,
            sleep=sleep,
            rng=rng,
        )

    def __repr__(self) -> str:
        return f"<GenesysClient {self.base_url}>"

    def __enter__(self) -> GenesysClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._requester.close()

    @property
    def request_count(self) -> int:
        """API requests handed to the transport so far (retries included, token requests not)."""
        return self._requester.request_count

    @property
    def token_fetches(self) -> int:
        return self._requester.tokens.fetches

    @property
    def client_id(self) -> str:
        """The OAuth client id (not a secret; the secret has no accessor)."""
        return self._requester.client_id

    def authenticate(self) -> None:
        """Fetch a token now (if none is held); an ApiError says why the org refused it."""
        self._requester.tokens.get()

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``[fn(item) for item in items]`` on at most ``max_concurrency`` threads, in order.

        The first exception raised by ``fn`` is re-raised once every started call finished.
        """
        work = list(items)
        if len(work) <= 1 or self.max_concurrency == 1:
            return [fn(item) for item in work]
        with ThreadPoolExecutor(
            max_workers=min(self.max_concurrency, len(work)), thread_name_prefix="genesys"
        ) as pool:
            return list(pool.map(fn, work))

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | list[tuple[str, Any]] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Any API request, with auth, pacing and retries; returns the decoded JSON body."""
        return self._requester.request(
            method, path, params=params, json=json, idempotent=idempotent
        )

    def _one(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> JSON:
        """A request answered with one JSON object (anything else breaks the contract)."""
        body = self.request(method, path, params=params, json=json, idempotent=idempotent)
        if not isinstance(body, dict):
            raise ApiError(method, path, None, message="expected a JSON object in the response")
        return body

    def _get(self, path: str, params: dict[str, Any] | list[tuple[str, Any]] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def _pages(self, path: str, extra: dict[str, Any] | None = None) -> list[JSON]:
        def fetch(paging: dict[str, int]) -> Any:
            return self._get(path, {**(extra or {}), **paging})

        return collect_pages(fetch, path, page_size=DEFAULT_PAGE_SIZE)

    def _entities(self, path: str, params: dict[str, Any] | None = None) -> list[JSON]:
        return entities_of(self._get(path, params), "GET", path)

    # -- external metric definitions ----------------------------------------------------------

    def list_external_metrics(self) -> list[JSON]:
        return self._pages(DEFINITIONS)

    def get_external_metric(self, metric_id: str) -> JSON:
        return self._one("GET", f"{DEFINITIONS}/{_seg(metric_id)}")

    def create_external_metric(self, body: JSON) -> JSON:
        """POST: not retried once sent; a lost response raises UncertainWriteError."""
        return self._one("POST", DEFINITIONS, json=body)

    def patch_external_metric(self, metric_id: str, body: JSON) -> JSON:
        return self._one("PATCH", f"{DEFINITIONS}/{_seg(metric_id)}", json=body)

    def delete_external_metric(self, metric_id: str) -> None:
        self.request("DELETE", f"{DEFINITIONS}/{_seg(metric_id)}")

    # -- profiles ----------------------------------------------------------------------------

    def list_profiles(self) -> list[JSON]:
        return self._entities(PROFILES)

    def get_profile(self, profile_id: str) -> JSON:
        return self._one("GET", f"{PROFILES}/{_seg(profile_id)}")

    def create_profile(self, body: JSON, copy_metrics: bool = False) -> JSON:
        """POST: not retried once sent; a lost response raises UncertainWriteError."""
        params = {"copyMetrics": "true" if copy_metrics else "false"}
        return self._one("POST", PROFILES, params=params, json=body)

    def update_profile(self, profile_id: str, body: JSON) -> JSON:
        return self._one("PUT", f"{PROFILES}/{_seg(profile_id)}", json=body)

    def activate_profile(self, profile_id: str) -> JSON:
        # Setting a flag to a fixed value: repeating it is harmless, so it is retried.
        path = f"{PROFILES}/{_seg(profile_id)}/activate"
        return self._one("POST", path, idempotent=True)

    def deactivate_profile(self, profile_id: str) -> JSON:
        path = f"{PROFILES}/{_seg(profile_id)}/deactivate"
        return self._one("POST", path, idempotent=True)

    # -- profile members ---------------------------------------------------------------------

    def list_profile_members(self, profile_id: str) -> list[JSON]:
        """``[{id, selfUri}]`` of the profile's members (Genesys does not page this list)."""
        return self._entities(f"{PROFILES}/{_seg(profile_id)}/members")

    def validate_profile_members(self, profile_id: str, user_ids: Iterable[str]) -> JSON:
        """``AssignmentValidation`` for assigning ``user_ids``: who is free, here, elsewhere.

        ``membersAlreadyAssignedToOther[].currentProfile.id`` names the profile holding a user.
        A check that changes nothing, so it is retried like a read.
        """
        path = f"{PROFILES}/{_seg(profile_id)}/members/validate"
        body = {"membersToAssign": list(user_ids)}
        return self._one("POST", path, json=body, idempotent=True)

    def assign_profile_members(
        self, profile_id: str, assign: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> JSON:
        """Add and remove members in one request; returns ``Assignment``.

        The answer lists ``assignedMembers``, ``removedMembers`` and ``assignmentErrors``
        (``[{user: {id}, message}]``): a 200 can still refuse some users, so check the errors.
        Retried like a PUT: sending the same sets again leaves the same members.
        """
        path = f"{PROFILES}/{_seg(profile_id)}/members"
        body = {"membersToAssign": list(assign), "membersToRemove": list(remove)}
        return self._one("POST", path, json=body, idempotent=True)

    def get_user_profile(self, user_id: str, workday: date | None = None) -> JSON:
        """The performance profile ``user_id`` belongs to (on ``workday``, default today)."""
        params = {"workday": workday.isoformat()} if workday is not None else None
        return self._one("GET", f"{PROFILES}/users/{_seg(user_id)}", params=params)

    # -- scorecards and leaderboards ---------------------------------------------------------

    def get_user_scorecard(self, user_id: str, workday: date) -> list[JSON]:
        """The user's ``WorkdayMetric``s on ``workday`` (value, points, maxPoints, objective)."""
        params = {"workday": workday.isoformat(), "expand": "objective"}
        return self._entities(f"{SCORECARDS}/users/{_seg(user_id)}", params)

    def get_profile_leaderboard(
        self, profile_id: str, start: date, end: date, metric_id: str | None = None
    ) -> JSON:
        """The ``Leaderboard`` of a profile over ``start``..``end`` (one metric, or all)."""
        params: dict[str, Any] = {
            "filterType": "PerformanceProfile",
            "filterId": profile_id,
            "startWorkday": start.isoformat(),
            "endWorkday": end.isoformat(),
        }
        if metric_id is not None:
            params["metricId"] = metric_id
        return self._one("GET", f"{LEADERBOARD}/all", params=params)

    # -- profile metrics ---------------------------------------------------------------------

    def list_profile_metrics(self, profile_id: str) -> list[JSON]:
        return self._entities(f"{PROFILES}/{_seg(profile_id)}/metrics", {"expand": "objective"})

    def create_profile_metric(self, profile_id: str, body: JSON) -> JSON:
        """POST: not retried once sent; a lost response raises UncertainWriteError."""
        return self._one("POST", f"{PROFILES}/{_seg(profile_id)}/metrics", json=body)

    def update_profile_metric(self, profile_id: str, metric_id: str, body: JSON) -> JSON:
        path = f"{PROFILES}/{_seg(profile_id)}/metrics/{_seg(metric_id)}"
        return self._one("PUT", path, json=body)

    # -- catalogues --------------------------------------------------------------------------

    def list_metric_definitions(self) -> list[JSON]:
        """Native (built-in) gamification metric definitions, e.g. Average Handle Time."""
        return self._entities(METRIC_DEFINITIONS)

    def list_divisions(self) -> list[JSON]:
        return self._pages(DIVISIONS)

    def get_home_division(self) -> JSON:
        return self._one("GET", f"{DIVISIONS}/home")

    # -- achievements (seed 001's API; base path configurable) -----------------------------

    def list_achievements(self) -> list[JSON]:
        return self._pages(self.achievements_path)

    def create_achievement(self, body: JSON) -> JSON:
        """POST: not retried once sent; a lost response raises UncertainWriteError."""
        return self._one("POST", self.achievements_path, json=body)

    def update_achievement(self, achievement_id: str, body: JSON) -> JSON:
        path = f"{self.achievements_path}/{_seg(achievement_id)}"
        return self._one("PATCH", path, json=body)

    def delete_achievement(self, achievement_id: str) -> None:
        self.request("DELETE", f"{self.achievements_path}/{_seg(achievement_id)}")

    # -- external metric data ----------------------------------------------------------------

    def write_metric_data(self, items: list[JSON]) -> JSON:
        """POST up to 100 data items; returns ``{processedEntities, unprocessedEntities}``.

        Items of type ``Total`` (the default) overwrite their (metric, user, day) point, and
        ``value: null`` deletes it, so a request made only of those is retried like a PUT.
        A request with any ``Cumulative`` item adds on every delivery: it is never re-sent
        after it may have arrived, and a lost response raises UncertainWriteError.
        """
        if len(items) > MAX_DATA_ITEMS:
            raise ValueError(f"at most {MAX_DATA_ITEMS} items per request, got {len(items)}")
        overwrite_only = all(item.get("type", "Total") == "Total" for item in items)
        body = self.request("POST", DATA, json={"items": items}, idempotent=overwrite_only)
        return dict(body or {})

    # -- users -------------------------------------------------------------------------------

    def list_users(self) -> list[JSON]:
        return self._pages(USERS)

    def get_users(self, ids: Iterable[str]) -> list[JSON]:
        """Users by id, 100 ids per request (Genesys's limit for ``GET /api/v2/users?id=``)."""
        wanted = list(dict.fromkeys(ids))
        found: list[JSON] = []
        for start in range(0, len(wanted), MAX_USER_IDS):
            chunk = wanted[start : start + MAX_USER_IDS]
            params: list[tuple[str, Any]] = [("id", user_id) for user_id in chunk]
            params += [("pageSize", len(chunk)), ("pageNumber", 1)]
            found.extend(entities_of(self._get(USERS, params), "GET", USERS))
        return found

    def find_users_by_email(self, email: str) -> list[JSON]:
        """Users whose e-mail is exactly ``email`` (case-insensitive), by one search request."""
        body = {
            "pageSize": 25,
            "pageNumber": 1,
            "query": [{"type": "EXACT", "fields": ["email"], "value": email}],
        }
        found = self._one("POST", f"{USERS}/search", json=body, idempotent=True)
        results = found.get("results") or []  # Genesys leaves results out when none match
        if not isinstance(results, list):
            raise ApiError("POST", f"{USERS}/search", 200, message="results is not a list")
        return results

    # -- groups ------------------------------------------------------------------------------

    def list_groups(self) -> list[JSON]:
        return self._pages(GROUPS)

    def list_group_members(self, group_id: str) -> list[JSON]:
        """Every member of a group, as ``User`` objects (direct members, not nested groups)."""
        return self._pages(f"{GROUPS}/{_seg(group_id)}/members")

    # -- workforce management ----------------------------------------------------------------

    def list_business_units(self) -> list[JSON]:
        return self._entities(BUSINESS_UNITS)

    def get_business_unit_time_zone(self, bu_id: str) -> str:
        path = f"{BUSINESS_UNITS}/{_seg(bu_id)}"
        body = self._get(path, {"expand": "settings.timeZone"})
        settings = body.get("settings") if isinstance(body, dict) else None
        zone = settings.get("timeZone") if isinstance(settings, dict) else None
        if not isinstance(zone, str) or not zone:
            raise ApiError("GET", path, 200, message="the business unit has no settings.timeZone")
        return zone

    def list_business_unit_users(self, bu_id: str) -> list[JSON]:
        """Every user of a business unit, flattened from its management units.

        Genesys answers ``{managementUnits: [{managementUnit: {id}, users: [{id}, ...]}]}``;
        each returned user dict is as Genesys sent it plus ``managementUnitId``.
        """
        path = f"{BUSINESS_UNITS}/{_seg(bu_id)}/users"
        body = self._get(path)
        if isinstance(body, dict) and isinstance(body.get("managementUnits"), list):
            users: dict[str, JSON] = {}
            for unit in body["managementUnits"]:
                unit_id = (unit.get("managementUnit") or {}).get("id")
                for user in unit.get("users") or []:
                    users.setdefault(str(user.get("id")), {**user, "managementUnitId": unit_id})
            return list(users.values())
        return entities_of(body, "GET", path)
