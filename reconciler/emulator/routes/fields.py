"""Request-body field checks that answer with Genesys 400s (one message per bad field)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import ApiFailure

INVALID_VALUE = "invalid.value"


def fail(field: str, message: str, code: str = INVALID_VALUE) -> ApiFailure:
    return ApiFailure(400, code, f"{field}: {message}", params={"field": field})


def string(
    body: dict[str, Any], name: str, *, required: bool, code: str = INVALID_VALUE
) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise fail(name, "may not be null", code)
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise fail(name, "must be a non-empty string", code)
    return value


def integer(
    body: dict[str, Any],
    name: str,
    *,
    required: bool,
    low: int | None = None,
    high: int | None = None,
    code: str = INVALID_VALUE,
) -> int | None:
    value = body.get(name)
    if value is None:
        if required:
            raise fail(name, "may not be null", code)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(name, f"must be an integer, not {value!r}", code)
    if (low is not None and value < low) or (high is not None and value > high):
        raise fail(name, f"must be between {low} and {high}", code)
    return value


def boolean(
    body: dict[str, Any], name: str, *, required: bool, code: str = INVALID_VALUE
) -> bool | None:
    value = body.get(name)
    if value is None:
        if required:
            raise fail(name, "may not be null", code)
        return None
    if not isinstance(value, bool):
        raise fail(name, "must be true or false", code)
    return value


def choice(
    body: dict[str, Any],
    name: str,
    allowed: Iterable[str],
    *,
    required: bool,
    code: str = INVALID_VALUE,
) -> str | None:
    value = body.get(name)
    options = list(allowed)
    if value is None:
        if required:
            raise fail(name, "may not be null", code)
        return None
    if value not in options:
        raise fail(name, f"{value!r} is not one of {', '.join(options)}", code)
    return str(value)


def public(obj: dict[str, Any]) -> dict[str, Any]:
    """The object as the API shows it: keys starting with '_' are emulator bookkeeping."""
    return {key: value for key, value in obj.items() if not key.startswith("_")}
