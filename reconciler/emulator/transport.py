"""The emulator as an in-process httpx transport (sync, thread-safe).

The request's host is ignored, so any base URL and login URL reach the same emulator. A dropped
connection or lost response surfaces as `httpx.RemoteProtocolError`, the error a real client
sees when a server closes the connection without answering.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol
from urllib.parse import parse_qs

import httpx

from .faults import Fault
from .outcome import Outcome


class Handler(Protocol):
    """What the transport serves: the emulator's dispatcher."""

    def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> Outcome: ...


class EmulatorTransport(httpx.BaseTransport):
    def __init__(self, emulator: Handler) -> None:
        self.emulator = emulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        query = parse_qs(request.url.query.decode("ascii"), keep_blank_values=True)
        outcome = self.emulator.handle(
            request.method, request.url.path, query, dict(request.headers), body
        )
        if outcome.fault in (Fault.DROP, Fault.LOST_RESPONSE):
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        return httpx.Response(
            outcome.status, headers=outcome.headers, content=outcome.body, request=request
        )
