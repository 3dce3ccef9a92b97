"""The GitLab REST calls of `reconciler note`: find our MR note by its marker, create or update.

The only module that talks to GitLab; httpx errors become `ApiError` here. Endpoints (API v4):

    GET  /projects/:id/merge_requests/:iid/notes?sort=asc&order_by=created_at&per_page=100&page=N
    POST /projects/:id/merge_requests/:iid/notes            body=<markdown>
    PUT  /projects/:id/merge_requests/:iid/notes/:note_id   body=<markdown>

The token goes in the `PRIVATE-TOKEN` header (a project/group access token or PAT with `api`
scope: CI_JOB_TOKEN cannot write notes). It is never put in a URL, a message or a log line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

import httpx

from ..errors import ApiError, ConfigurationError

#: Token variables, in the order they are looked up.
TOKEN_VARIABLES = ("RECONCILER_GITLAB_TOKEN", "GITLAB_TOKEN")

#: Bound on the notes listing: 100 notes a page, so 20 pages cover a 2000-note merge request.
MAX_PAGES = 20
PER_PAGE = 100


@dataclass(frozen=True)
class MergeRequest:
    """Where the note goes, read from GitLab's predefined CI variables."""

    api_url: str
    project_id: str
    iid: str


def token_from(environ: Mapping[str, str]) -> str | None:
    for name in TOKEN_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            return value
    return None


def merge_request_from(environ: Mapping[str, str]) -> MergeRequest | None:
    """The MR of this pipeline, None outside a merge-request pipeline (no CI_MERGE_REQUEST_IID).

    Raises ConfigurationError when it is an MR pipeline but the API URL or project id is missing.
    """
    iid = environ.get("CI_MERGE_REQUEST_IID", "").strip()
    if not iid:
        return None
    missing = [n for n in ("CI_API_V4_URL", "CI_PROJECT_ID") if not environ.get(n, "").strip()]
    if missing:
        raise ConfigurationError(f"{' and '.join(missing)} not set: cannot reach the GitLab API")
    return MergeRequest(environ["CI_API_V4_URL"].rstrip("/"), environ["CI_PROJECT_ID"], iid)


class NotesClient:
    """Create-or-update of one merge-request note identified by a hidden marker."""

    def __init__(
        self,
        mr: MergeRequest,
        token: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30,
    ) -> None:
        self._notes = f"/projects/{quote(mr.project_id, safe='')}/merge_requests/{mr.iid}/notes"
        self._http = httpx.Client(
            base_url=mr.api_url,
            headers={"PRIVATE-TOKEN": token, "User-Agent": "reconciler"},
            transport=transport,
            timeout=timeout,
        )

    def __enter__(self) -> NotesClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            # The message names the kind of failure only; the request (and its header) stays out.
            raise ApiError(method, path, None, message=type(error).__name__) from None
        if response.status_code >= 400:
            raise ApiError(method, path, response.status_code, message=_message(response))
        return response

    def find(self, marker: str) -> dict[str, Any] | None:
        """Our note: the first non-system note whose body contains `marker` (bounded paging)."""
        for page in range(1, MAX_PAGES + 1):
            params = {"sort": "asc", "order_by": "created_at", "per_page": PER_PAGE, "page": page}
            response = self._call("GET", self._notes, params=params)
            notes = response.json()
            if not isinstance(notes, list):
                raise ApiError("GET", self._notes, response.status_code, message="not a list")
            for note in notes:
                ours = isinstance(note, dict) and marker in str(note.get("body", ""))
                if ours and not note.get("system"):
                    return dict(note)
            # GitLab sends an empty X-Next-Page on the last page; without the header, a short
            # page is the last one.
            next_page = response.headers.get("x-next-page")
            if next_page is not None and not next_page.strip():
                return None
            if next_page is None and len(notes) < PER_PAGE:
                return None
        return None

    def upsert(self, marker: str, body: str) -> tuple[Literal["created", "updated"], int]:
        """Update our note if it exists, else create it; returns what happened and the note id."""
        existing = self.find(marker)
        if existing is not None:
            note_id = int(existing["id"])
            self._call("PUT", f"{self._notes}/{note_id}", json={"body": body})
            return "updated", note_id
        created = self._call("POST", self._notes, json={"body": body}).json()
        return "created", int(created["id"])


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason_phrase
    if isinstance(data, dict):
        for key in ("message", "error"):
            if key in data:
                return str(data[key])[:200]
    return response.reason_phrase
