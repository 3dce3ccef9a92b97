"""External metric data: POST /api/v2/employeeperformance/externalmetrics/data.

Per (metric, user, day): ``Total`` (default) overwrites value and count (count defaults to 1),
``Cumulative`` adds (count defaults to 0 when a point exists, else 1), ``value: null`` deletes,
a total count of 0 deletes. Dates must lie between 7 days before and 30 days after today (UTC).
Per-item problems come back in ``unprocessedEntities`` of a 200; the ``code`` strings there
are the emulator's own (Genesys does not document them).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..errors import ApiFailure
from ..routing import Call, Reply, Route
from ..seed import iso
from ..state import JsonObject

PATH = "/api/v2/employeeperformance/externalmetrics/data"
MAX_ITEMS = 100
WINDOW_PAST_DAYS = 7
WINDOW_FUTURE_DAYS = 30
PREFIX = "employee.performance.external.metric.data"
ECHO_FIELDS = ("userId", "userEmail", "metricId", "dateOccurred", "value", "count", "type")


class ItemRejected(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = f"{PREFIX}.{code}"
        self.message = message


def point_key(metric_id: str, user_id: str, day: str) -> str:
    return f"{metric_id}|{user_id}|{day}"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _resolve_user(call: Call, item: dict[str, Any]) -> str:
    user_id, email = item.get("userId"), item.get("userEmail")
    if (user_id is None) == (email is None):
        raise ItemRejected("invalid.user", "Must provide either userId or userEmail, but not both")
    users = call.state.kind("users")
    if user_id is not None:
        if not isinstance(user_id, str) or user_id not in users:
            raise ItemRejected("user.not.found", f"User {user_id} was not found")
        return user_id
    if isinstance(email, str):
        for user in users.values():
            if user["email"].casefold() == email.casefold() and user["state"] != "deleted":
                return str(user["id"])
    raise ItemRejected("user.not.found", f"No user has the email {email}")


def _check_date(call: Call, raw: Any) -> str:
    if not isinstance(raw, str):
        raise ItemRejected("invalid.date", "dateOccurred must be a yyyy-MM-dd date")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ItemRejected(
            "invalid.date", f"dateOccurred {raw!r} is not a yyyy-MM-dd date"
        ) from None
    if len(raw) != 10:
        raise ItemRejected("invalid.date", f"dateOccurred {raw!r} is not a yyyy-MM-dd date")
    today = call.now.date()
    earliest = today - timedelta(days=WINDOW_PAST_DAYS)
    latest = today + timedelta(days=WINDOW_FUTURE_DAYS)
    if not earliest <= day <= latest:
        raise ItemRejected(
            "date.out.of.range",
            f"dateOccurred {raw} is outside {earliest.isoformat()}..{latest.isoformat()}",
        )
    return raw


def _apply(call: Call, item: dict[str, Any]) -> JsonObject:
    metric_id = item.get("metricId")
    if not isinstance(metric_id, str):
        raise ItemRejected("invalid.metric", "metricId is required")
    definition = call.state.kind("externalMetrics").get(metric_id)
    if definition is None:
        raise ItemRejected(
            "metric.not.found", f"External metric definition {metric_id} was not found"
        )
    if not definition.get("enabled", True):
        raise ItemRejected("metric.disabled", f"External metric definition {metric_id} is disabled")
    user_id = _resolve_user(call, item)
    day = _check_date(call, item.get("dateOccurred"))
    if "value" not in item:
        raise ItemRejected("invalid.value", "value is required (null deletes the data point)")
    value = item["value"]
    if value is not None and not _is_number(value):
        raise ItemRejected("invalid.value", f"value {value!r} is not a number")
    kind = item.get("type", "Total")
    if kind is None:
        kind = "Total"
    if kind not in ("Total", "Cumulative"):
        raise ItemRejected("invalid.type", f"type {kind!r} is not Total or Cumulative")
    count = item.get("count")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
        raise ItemRejected("invalid.count", f"count {count!r} is not a non-negative integer")

    key = point_key(metric_id, user_id, day)
    points = call.state.data_points
    existing = points.get(key)
    if value is None:
        points.pop(key, None)
        total_value, total_count, count_used = None, 0, count
    else:
        if kind == "Total":
            count_used = 1 if count is None else count
            total_value, total_count = float(value), count_used
        else:
            count_used = (0 if existing else 1) if count is None else count
            total_value = float(value) + (existing["value"] if existing else 0.0)
            total_count = count_used + (existing["count"] if existing else 0)
        if total_count == 0:
            points.pop(key, None)
        else:
            points[key] = {"value": total_value, "count": total_count}
    definition["dateLastRefreshed"] = iso(call.now)

    processed: JsonObject = {k: item[k] for k in ECHO_FIELDS if k in item}
    processed["type"] = kind
    if count_used is not None:
        processed["count"] = count_used
    processed["totalValue"] = total_value if total_count else None
    processed["totalCount"] = total_count
    if processed["totalValue"] is None:
        del processed["totalValue"]
    return processed


def write_data(call: Call) -> Reply:
    body = call.json_object()
    items = body.get("items")
    if not isinstance(items, list):
        raise ApiFailure(400, f"{PREFIX}.input.validation.error", "items: may not be null")
    if len(items) > MAX_ITEMS:
        raise ApiFailure(
            400,
            f"{PREFIX}.input.validation.error",
            f"items: A maximum of {MAX_ITEMS} items are allowed, got {len(items)}",
        )
    processed: list[JsonObject] = []
    unprocessed: list[JsonObject] = []
    for item in items:
        if not isinstance(item, dict):
            unprocessed.append(
                {"code": f"{PREFIX}.invalid.item", "message": "Each item must be a JSON object"}
            )
            continue
        try:
            processed.append(_apply(call, item))
        except ItemRejected as rejected:
            echo = {k: item[k] for k in ECHO_FIELDS if k in item}
            unprocessed.append({**echo, "code": rejected.code, "message": rejected.message})
    return Reply(200, {"processedEntities": processed, "unprocessedEntities": unprocessed})


ROUTES = [Route("POST", PATH, write_data, mutates=True)]
