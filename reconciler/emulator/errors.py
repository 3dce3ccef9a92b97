"""Genesys error bodies: every non-2xx answer of the emulator's API surface has this shape.

`ErrorBody` in the official SDK: ``message, code, status, messageWithParams, messageParams,
contextId, details, errors`` — ``contextId`` is the request's correlation id, the same value as
the ``ININ-Correlation-Id`` response header.
"""

from __future__ import annotations

from typing import Any


class ApiFailure(Exception):
    """Raised by a route handler to answer with a Genesys error body instead of a result."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        params: dict[str, str] | None = None,
        template: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.params = params or {}
        self.template = template
        self.headers = headers or {}

    def body(self, context_id: str) -> dict[str, Any]:
        return error_body(
            self.status,
            self.code,
            self.message,
            context_id,
            params=self.params,
            template=self.template,
        )


def error_body(
    status: int,
    code: str,
    message: str,
    context_id: str,
    *,
    params: dict[str, str] | None = None,
    template: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message": message,
        "code": code,
        "status": status,
        "messageParams": dict(params or {}),
        "contextId": context_id,
        "details": [],
        "errors": [],
    }
    if template is not None:
        body["messageWithParams"] = template
    return body


def bad_request(message: str, code: str = "bad.request") -> ApiFailure:
    return ApiFailure(400, code, message)


def not_found(
    message: str = "The requested resource was not found.", code: str = "not.found"
) -> ApiFailure:
    return ApiFailure(404, code, message)
