"""Route table and the request/response values handlers work with (no HTTP library involved)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .errors import ApiFailure, bad_request
from .state import OrgState


@dataclass
class Call:
    """One API request as a handler sees it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    state: OrgState
    now: datetime
    params: dict[str, str] = field(default_factory=dict)
    achievements_path: str = "/api/v2/wem/achievements"

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def args(self, name: str) -> list[str]:
        return list(self.query.get(name, []))

    def flag(self, name: str, default: bool) -> bool:
        raw = self.arg(name)
        if raw is None:
            return default
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise bad_request(f"Query parameter {name} must be true or false", "invalid.value")

    def json(self) -> Any:
        if not self.body.strip():
            raise bad_request("A request body is required", "bad.request")
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as error:
            raise bad_request(f"Unable to parse the request body: {error}") from error

    def json_object(self) -> dict[str, Any]:
        body = self.json()
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object")
        return body


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str  # path with {name} segments
    handler: Handler
    mutates: bool = False

    def compile(self, prefix_map: dict[str, str]) -> re.Pattern[str]:
        path = self.pattern
        for key, value in prefix_map.items():
            path = path.replace(key, value)
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
        return re.compile(f"^{regex}$")


class Router:
    def __init__(self, routes: Iterable[Route], prefix_map: dict[str, str]) -> None:
        self._routes = [(route, route.compile(prefix_map)) for route in routes]

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        allowed: list[str] = []
        for route, regex in self._routes:
            found = regex.match(path)
            if found is None:
                continue
            if route.method == method:
                return route, found.groupdict()
            allowed.append(route.method)
        if allowed:
            raise ApiFailure(
                405,
                "method.not.allowed",
                f"HTTP {method} is not supported on {path}",
                headers={"Allow": ", ".join(sorted(set(allowed)))},
            )
        raise ApiFailure(404, "not.found", f"The requested resource {path} was not found.")
