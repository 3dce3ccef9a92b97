"""A small fake of GitLab's merge-request notes API, served on 127.0.0.1 in a thread.

Behaves like GitLab where `reconciler note` depends on it: PRIVATE-TOKEN auth (401 otherwise),
paged listing with `X-Next-Page` (empty on the last page), POST creates, PUT updates, 404 for an
unknown project/MR/note.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

NOTES = re.compile(
    r"^/api/v4/projects/(?P<project>[^/]+)/merge_requests/(?P<iid>\d+)/notes(?:/(?P<note>\d+))?$"
)


@dataclass
class FakeGitLab:
    token: str
    project: str = "42"
    iid: str = "7"
    notes: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    next_id: int = 1000

    def add_note(self, body: str, *, system: bool = False) -> dict[str, Any]:
        self.next_id += 1
        note = {"id": self.next_id, "body": body, "system": system, "author": {"username": "x"}}
        self.notes.append(note)
        return note


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str) -> None:
        fake = self.server.fake
        url = urlsplit(self.path)
        with self.server.lock:
            fake.requests.append((method, url.path))
        if self.headers.get("PRIVATE-TOKEN") != fake.token:
            self._send(401, {"message": "401 Unauthorized"})
            return
        match = NOTES.match(url.path)
        if not match or match["project"] != fake.project or match["iid"] != fake.iid:
            self._send(404, {"message": "404 Not found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else {}
        with self.server.lock:
            if method == "GET" and match["note"] is None:
                query = parse_qs(url.query)
                per_page = int(query.get("per_page", ["20"])[0])
                page = int(query.get("page", ["1"])[0])
                chunk = fake.notes[(page - 1) * per_page : page * per_page]
                more = page * per_page < len(fake.notes)
                self._send(200, chunk, {"X-Next-Page": str(page + 1) if more else ""})
            elif method == "POST" and match["note"] is None:
                self._send(201, fake.add_note(body["body"]))
            elif method == "PUT" and match["note"] is not None:
                for note in fake.notes:
                    if note["id"] == int(match["note"]):
                        note["body"] = body["body"]
                        self._send(200, note)
                        return
                self._send(404, {"message": "404 Note Not Found"})
            else:
                self._send(405, {"message": "405 Method Not Allowed"})

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeGitLab) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake
        self.lock = threading.Lock()


class serve_fake:
    """Context manager: `with serve_fake(fake) as api_url:` -> "http://127.0.0.1:N/api/v4"."""

    def __init__(self, fake: FakeGitLab) -> None:
        self._server = _Server(fake)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    def __enter__(self) -> str:
        self._thread.start()
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/api/v4"

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
