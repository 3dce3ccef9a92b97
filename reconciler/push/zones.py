"""Which calendar day a deal belongs to: the agent's WFM business-unit time zone decides.

Gamification groups data by workday in the business unit's zone (Genesys help, "FAQs:
Gamification"); agents without a business unit fall back to the environment's `push.time_zone`.
The map is fetched in bulk: one list of business units, then one time-zone GET and one users GET
per unit (run concurrently through `client.map`), never one request per agent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ConfigurationError


class WfmClient(Protocol):
    def list_business_units(self) -> list[dict[str, Any]]: ...
    def get_business_unit_time_zone(self, bu_id: str) -> str: ...
    def list_business_unit_users(self, bu_id: str) -> list[dict[str, Any]]: ...
    def map(self, fn: Any, items: Any) -> list[Any]: ...


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(f"unknown time zone {name!r} (expected an IANA name)") from None


def _user_ids(listing: list[dict[str, Any]]) -> list[str]:
    """User ids from a BU users listing: management units holding users, or users directly."""
    ids: list[str] = []
    for entry in listing:
        if isinstance(entry.get("users"), list):
            ids.extend(str(user["id"]) for user in entry["users"] if "id" in user)
        elif "id" in entry:
            ids.append(str(entry["id"]))
    return ids


def fetch_user_zones(client: WfmClient) -> dict[str, str]:
    """user id -> IANA zone name of the business unit the user belongs to."""
    units = [str(unit["id"]) for unit in client.list_business_units()]

    def one(bu_id: str) -> tuple[str, list[str]]:
        return client.get_business_unit_time_zone(bu_id), _user_ids(
            client.list_business_unit_users(bu_id)
        )

    zones: dict[str, str] = {}
    for tz_name, users in client.map(one, units):
        for user_id in users:
            zones.setdefault(user_id, tz_name)
    return zones


class ZoneMap:
    """Resolves a user to a ZoneInfo (cached per zone name) with a fallback zone."""

    def __init__(self, user_zones: Mapping[str, str], fallback: str) -> None:
        self.fallback = zone(fallback)
        cache: dict[str, ZoneInfo] = {}
        self._by_user: dict[str, ZoneInfo] = {}
        for user_id, name in user_zones.items():
            if name not in cache:
                cache[name] = zone(name)
            self._by_user[user_id] = cache[name]

    def for_user(self, user_id: str) -> ZoneInfo:
        return self._by_user.get(user_id, self.fallback)

    def has_unit(self, user_id: str) -> bool:
        return user_id in self._by_user


def local_day(occurred: datetime | date, tz: ZoneInfo) -> date:
    """The calendar day of `occurred` in `tz`; a date (already-daily row) is kept as it is."""
    if isinstance(occurred, datetime):
        return occurred.astimezone(tz).date()
    return occurred
