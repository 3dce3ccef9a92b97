"""The emulator-only HTTP surface under ``/__emulator`` (no auth, no faults, not logged).

Not part of the Genesys API: it exists so a test driving a separate ``reconciler emulator``
process can read back data points, count requests, inject faults and change objects behind the
tool's back (an admin-UI edit). Each endpoint mirrors a Python method of `Emulator`:

    GET  /__emulator/datapoints                  data_points()
    GET  /__emulator/requests                    request_log (list of {method, path, status, fault})
    GET  /__emulator/count?method=&pathPrefix=   count(method, path_prefix) -> {"count": n}
    POST /__emulator/reset-log                   reset_log()
    GET  /__emulator/faults                      current Faults as JSON
    POST /__emulator/faults     {Faults fields}  set_faults(Faults(**body)); omitted = default
    POST /__emulator/rate-limit {"perMinute": n|null, "burst": n|null}   set_rate_limit(...)
    POST /__emulator/expire-tokens               expire_tokens()
    GET  /__emulator/objects/{kind}              objects(kind)
    POST /__emulator/mutate {"kind", "key", "changes": {dotted.name: value}}   mutate(...)
    POST /__emulator/remove {"kind", "key"}      remove(kind, key)
    POST /__emulator/reset-state                 reset_state()
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from .faults import Faults
from .outcome import RequestRecord
from .routing import Reply


class Inspectable(Protocol):
    """The emulator's Python inspection API, which this HTTP surface mirrors."""

    @property
    def faults(self) -> Faults: ...
    @property
    def request_log(self) -> Sequence[RequestRecord]: ...
    def data_points(self) -> list[dict[str, Any]]: ...
    def count(self, method: str | None = None, path_prefix: str | None = None) -> int: ...
    def reset_log(self) -> None: ...
    def set_faults(self, faults: Faults) -> None: ...
    def set_rate_limit(self, per_minute: int | None, burst: int | None = None) -> None: ...
    def expire_tokens(self) -> None: ...
    def objects(self, kind: str) -> list[dict[str, Any]]: ...
    def mutate(
        self, kind: str, key: str, changes: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> dict[str, Any]: ...
    def remove(self, kind: str, key: str) -> None: ...
    def reset_state(self) -> None: ...


def _problem(status: int, message: str) -> Reply:
    return Reply(status, {"message": message, "status": status, "code": "emulator.inspection"})


def _body(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    parsed = json.loads(raw)
    if not isinstance(parsed, dict):
        raise ValueError("the body must be a JSON object")
    return parsed


def handle_inspection(
    emulator: Inspectable, method: str, path: str, query: dict[str, list[str]], raw: bytes
) -> Reply:
    action = path.removeprefix("/__emulator").strip("/")
    try:
        body = _body(raw) if method == "POST" else {}
        if method == "GET":
            if action == "datapoints":
                return Reply(200, emulator.data_points())
            if action == "requests":
                return Reply(200, [r.as_dict() for r in emulator.request_log])
            if action == "count":
                method_arg = query["method"][-1] if query.get("method") else None
                prefix = query["pathPrefix"][-1] if query.get("pathPrefix") else None
                return Reply(200, {"count": emulator.count(method_arg, prefix)})
            if action == "faults":
                return Reply(200, emulator.faults.as_dict())
            if action.startswith("objects/"):
                return Reply(200, emulator.objects(action.removeprefix("objects/")))
        elif method == "POST":
            if action == "reset-log":
                emulator.reset_log()
                return Reply(204)
            if action == "faults":
                emulator.set_faults(Faults.from_dict(body))
                return Reply(200, emulator.faults.as_dict())
            if action == "rate-limit":
                emulator.set_rate_limit(body.get("perMinute"), body.get("burst"))
                return Reply(204)
            if action == "expire-tokens":
                emulator.expire_tokens()
                return Reply(204)
            if action == "mutate":
                changes = body.get("changes") or {}
                if not isinstance(changes, dict):
                    raise ValueError("changes must be an object")
                return Reply(200, emulator.mutate(str(body["kind"]), str(body["key"]), changes))
            if action == "remove":
                emulator.remove(str(body["kind"]), str(body["key"]))
                return Reply(204)
            if action == "reset-state":
                emulator.reset_state()
                return Reply(204)
    except KeyError as missing:
        return _problem(404, f"not found: {missing}")
    except (ValueError, TypeError) as wrong:
        return _problem(400, str(wrong))
    return _problem(404, f"no emulator endpoint {method} {path}")
