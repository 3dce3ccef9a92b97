"""The emulator: dispatches one request (method, path, query, headers, body) to an outcome.

Transport-neutral: the in-process httpx transport and the loopback HTTP server both call
`Emulator.handle`. One lock serialises state access, so both are thread-safe; injected latency
is slept outside the lock so slow requests overlap like they would against Genesys.
"""

from __future__ import annotations

import copy
import json
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from . import state as state_store
from .auth import DEFAULT_TOKEN_SECONDS, TokenStore
from .errors import ApiFailure
from .faults import Fault, FaultInjector, Faults
from .inspection import handle_inspection
from .outcome import Outcome, RequestRecord
from .ratelimit import TokenBucket
from .routes import ROUTES
from .routing import Call, Reply, Router
from .seed import seed_org
from .state import OrgState
from .transport import EmulatorTransport

INSPECTION_PREFIX = "/__emulator"
MAX_BODY_BYTES = 10 * 1024 * 1024  # far above any legitimate request; stops memory abuse
MAX_LOG = 100_000  # a long-running server keeps the most recent requests only
TOKEN_PATH = "/oauth/token"
ERROR_CODES = {
    500: "internal.server.error",
    502: "bad.gateway",
    503: "service.unavailable",
    504: "request.timeout",
    408: "client.timeout",
}


class Emulator:
    """A Genesys Cloud org in a box. See the package docstring for the seed and inspection API."""

    def __init__(
        self,
        state_path: Path | None = None,
        *,
        client_id: str = "reconciler-local",
        client_secret: str = "emulator-secret",
        rate_limit_per_minute: int | None = None,
        rate_limit_burst: int | None = None,
        faults: Faults | None = None,
        seed: int = 0,
        agents: int = 0,
        achievements_path: str | None = "/api/v2/wem/achievements",
        now: Callable[[], datetime] | None = None,
        clock: Callable[[], float] | None = None,
        token_lifetime_seconds: int = DEFAULT_TOKEN_SECONDS,
    ) -> None:
        self.state_path = Path(state_path) if state_path is not None else None
        self.seed = seed
        self.agents = agents
        # None serves an org as Genesys ships it: no achievements API, so its paths answer 404.
        self.achievements_path = (
            "/" + achievements_path.strip("/") if achievements_path is not None else None
        )
        self._now = now or (lambda: datetime.now(UTC))
        self._clock = clock or time.monotonic
        self._lock = threading.RLock()
        self.tokens = TokenStore(client_id, client_secret, self._now, token_lifetime_seconds)
        routes = [
            r for r in ROUTES if achievements_path is not None or "{achievements}" not in r.pattern
        ]
        self._router = Router(routes, {"{achievements}": self.achievements_path or ""})
        self._limiter: TokenBucket | None = None
        self.set_rate_limit(rate_limit_per_minute, rate_limit_burst)
        self._injector = FaultInjector(faults or Faults())
        self.request_log: list[RequestRecord] = []
        loaded = state_store.load(self.state_path) if self.state_path is not None else None
        self.state: OrgState = loaded if loaded is not None else seed_org(seed, self._now(), agents)
        if loaded is None:
            self._persist()

    # --- configuration and inspection (emulator-only; never on the Genesys API surface) -----

    @property
    def client_id(self) -> str:
        return self.tokens.client_id

    @property
    def faults(self) -> Faults:
        return self._injector.faults

    def set_faults(self, faults: Faults) -> None:
        with self._lock:
            self._injector = FaultInjector(faults)

    def set_rate_limit(self, per_minute: int | None, burst: int | None = None) -> None:
        with self._lock:
            self._limiter = (
                TokenBucket(per_minute, burst, self._clock) if per_minute is not None else None
            )

    def expire_tokens(self) -> None:
        with self._lock:
            self.tokens.expire_all()

    def reset_log(self) -> None:
        with self._lock:
            self.request_log.clear()

    def count(self, method: str | None = None, path_prefix: str | None = None) -> int:
        with self._lock:
            return sum(
                1
                for r in self.request_log
                if (method is None or r.method == method.upper())
                and (path_prefix is None or r.path.startswith(path_prefix))
            )

    def data_points(self) -> list[dict[str, Any]]:
        with self._lock:
            points = []
            for key, point in sorted(self.state.data_points.items()):
                metric_id, user_id, day = key.split("|")
                points.append(
                    {
                        "metricId": metric_id,
                        "userId": user_id,
                        "dateOccurred": day,
                        "value": point["value"],
                        "count": point["count"],
                    }
                )
            return points

    def find(self, kind: str, key: str) -> dict[str, Any]:
        """A copy of the object of ``kind`` whose id or name is ``key`` (exactly one match)."""
        with self._lock:
            return copy.deepcopy(self._locate(kind, key))

    def objects(self, kind: str) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self.state.kind(kind).values()))

    def mutate(
        self, kind: str, key: str, changes: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> dict[str, Any]:
        """Change an object behind the tool's back, as an admin would in the UI.

        ``changes`` keys may be dotted (``{"objective.enabled": False}``); ``**fields`` are
        top-level. No API validation is applied — the point is to create live drift.
        """
        with self._lock:
            obj = self._locate(kind, key)
            for name, value in {**(changes or {}), **fields}.items():
                target = obj
                *parents, last = name.split(".")
                for parent in parents:
                    target = target.setdefault(parent, {})
                target[last] = copy.deepcopy(value)
            self._persist()
            return copy.deepcopy(obj)

    def add_group(self, name: str, emails: list[str]) -> str:
        """Create a group of the users with ``emails`` (as an admin would); returns its id.

        Names need not be unique, as in Genesys: two calls with one name make two groups.
        """
        with self._lock:
            by_email = {u["email"]: u["id"] for u in self.state.kind("users").values()}
            missing = [e for e in emails if e not in by_email]
            if missing:
                raise KeyError(f"no user has the e-mail {missing[0]!r}")
            group_id = str(uuid.uuid4())
            self.state.kind("groups")[group_id] = {
                "id": group_id,
                "name": name,
                "memberCount": len(emails),
                "state": "active",
                "version": 1,
                "type": "official",
                "visibility": "public",
                "selfUri": f"/api/v2/groups/{group_id}",
                "_memberIds": [by_email[e] for e in emails],
            }
            self._persist()
            return group_id

    def remove(self, kind: str, key: str) -> None:
        """Delete an object behind the tool's back (even kinds the API cannot delete)."""
        with self._lock:
            obj = self._locate(kind, key)
            del self.state.kind(kind)[obj["id"]]
            if kind == "profileMetrics":
                profile = self.state.kind("profiles").get(obj.get("performanceProfileId", ""))
                if profile is not None and obj["id"] in profile["metricOrders"]:
                    profile["metricOrders"].remove(obj["id"])
            self._persist()

    def reset_state(self) -> None:
        """Forget everything and start again from the seeded org."""
        with self._lock:
            self.state = seed_org(self.seed, self._now(), self.agents)
            self._persist()

    def _locate(self, kind: str, key: str) -> dict[str, Any]:
        objects = self.state.kind(kind)
        if key in objects:
            return objects[key]
        named = [o for o in objects.values() if o.get("name") == key]
        if len(named) != 1:
            raise KeyError(f"{len(named)} {kind} object(s) have the id or name {key!r}")
        return named[0]

    def _log(self, record: RequestRecord) -> None:
        self.request_log.append(record)
        if len(self.request_log) > MAX_LOG:
            del self.request_log[: MAX_LOG // 10]

    def _persist(self) -> None:
        if self.state_path is not None:
            state_store.save(self.state, self.state_path)

    # --- serving -------------------------------------------------------------------------

    def transport(self) -> httpx.BaseTransport:
        return EmulatorTransport(self)

    def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> Outcome:
        method = method.upper()
        lowered = {k.lower(): v for k, v in headers.items()}
        query_lists = {k: list(v) for k, v in query.items()}
        if path == INSPECTION_PREFIX or path.startswith(INSPECTION_PREFIX + "/"):
            with self._lock:
                return encode(handle_inspection(self, method, path, query_lists, body), "")
        context_id = str(uuid.uuid4())
        if len(body) > MAX_BODY_BYTES:
            return encode(too_large(context_id), context_id)
        if path == TOKEN_PATH:
            with self._lock:
                if method != "POST":
                    reply = Reply(405, {"error": "invalid_request", "description": "use POST"})
                else:
                    reply = self.tokens.issue(lowered, body)
                self._log(RequestRecord(method, path, reply.status))
                return encode(reply, context_id)

        with self._lock:
            # Only the Genesys API surface is faulted: a client can always fetch a token.
            fault = self._injector.decide() if path.startswith("/api/") else Fault.NONE
            latency = self._injector.faults.latency_ms if path.startswith("/api/") else 0
        if latency:
            time.sleep(latency / 1000)  # outside the lock: slow requests overlap
        injected = self._injected(fault, method, path, context_id)
        if injected is not None:
            return injected

        with self._lock:
            reply = self._dispatch(method, path, query_lists, lowered, body, context_id)
            self._log(
                RequestRecord(
                    method, path, reply.status, fault.value if fault is not Fault.NONE else None
                )
            )
        outcome = encode(reply, context_id)
        outcome.fault = fault if fault is Fault.LOST_RESPONSE else Fault.NONE
        return outcome

    def _injected(self, fault: Fault, method: str, path: str, context_id: str) -> Outcome | None:
        """The outcome of a fault that replaces the request's processing, if there is one."""
        if fault is Fault.DROP:
            outcome = Outcome(0, {}, b"", Fault.DROP)
            status: int | None = None
        elif fault is Fault.STORM:
            outcome = encode(
                _too_many(context_id, self._injector.faults.storm_retry_after), context_id
            )
            status = 429
        elif fault is Fault.ERROR:
            status = self._injector.faults.error_status
            code = ERROR_CODES.get(status, "service.unavailable")
            failure = ApiFailure(
                status, code, "The service is currently unavailable (injected fault)"
            )
            outcome = encode(Reply(status, failure.body(context_id)), context_id)
        else:
            return None
        with self._lock:
            self._log(RequestRecord(method, path, status, fault.value))
        return outcome

    def _dispatch(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        context_id: str,
    ) -> Reply:
        limit_headers: dict[str, str] = {}
        try:
            self.tokens.check(headers)
            if self._limiter is not None:
                decision = self._limiter.take()
                limit_headers = decision.headers
                if not decision.allowed:
                    reply = _too_many(context_id, decision.retry_after)
                    reply.headers.update(limit_headers)
                    return reply
            route, params = self._router.match(method, path)
            call = Call(
                method=method,
                path=path,
                query=query,
                headers=headers,
                body=body,
                state=self.state,
                now=self._now(),
                params=params,
                achievements_path=self.achievements_path or "",
            )
            reply = route.handler(call)
            if route.mutates and reply.status < 400:
                self._persist()
        except ApiFailure as failure:
            reply = Reply(failure.status, failure.body(context_id), dict(failure.headers))
        except Exception as bug:  # an emulator bug must still answer like a server would
            internal = ApiFailure(500, "internal.server.error", f"Emulator error: {bug!r}")
            reply = Reply(500, internal.body(context_id))
        reply.headers.update(limit_headers)
        return reply


def too_large(context_id: str) -> Reply:
    failure = ApiFailure(
        413,
        "request.entity.too.large",
        f"Maximum bytes: {MAX_BODY_BYTES}",
        params={"maxBytes": str(MAX_BODY_BYTES)},
    )
    return Reply(413, failure.body(context_id))


def _too_many(context_id: str, seconds: int) -> Reply:
    failure = ApiFailure(
        429,
        "too.many.requests.retry.after",
        f"Rate limit exceeded the maximum. Retry the request in [{seconds}] seconds",
        params={"seconds": str(seconds)},
        template="Rate limit exceeded the maximum. Retry the request in [{seconds}] seconds",
    )
    return Reply(429, failure.body(context_id), {"Retry-After": str(seconds)})


def encode(reply: Reply, context_id: str) -> Outcome:
    headers = dict(reply.headers)
    if context_id:
        headers["ININ-Correlation-Id"] = context_id
    if reply.body is None:
        return Outcome(reply.status, headers, b"")
    headers["Content-Type"] = "application/json"
    return Outcome(reply.status, headers, json.dumps(reply.body).encode("utf-8"))


__all__ = ["Emulator", "Outcome", "RequestRecord"]
