"""The emulator on a real loopback socket: a threaded HTTP/1.1 server.

A dropped connection closes the socket without an answer (the request is not processed); a lost
response processes the request and then closes the socket — the client sees the same dropped
connection after a write that did happen.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, unquote, urlsplit

from .app import MAX_BODY_BYTES, Emulator, encode, too_large
from .faults import Fault
from .outcome import Outcome


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections as with Genesys
    # Without TCP_NODELAY, small responses on a kept-alive connection wait ~40 ms each on the
    # Nagle / delayed-ACK interaction.
    disable_nagle_algorithm = True
    timeout = 120  # idle keep-alive connections release their thread eventually
    server: _Server

    def _serve(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            # Answer without reading the body, then hang up: the client may still be sending.
            self.close_connection = True
            self._send(encode(too_large(""), ""))
            return
        body = self.rfile.read(length) if length else b""
        target = urlsplit(self.path)
        query = parse_qs(target.query, keep_blank_values=True)
        headers = {k: v for k, v in self.headers.items()}
        # httpx hands the in-process transport a decoded path; decode here too so both agree.
        path = unquote(target.path)
        outcome = self.server.emulator.handle(self.command, path, query, headers, body)
        if outcome.fault in (Fault.DROP, Fault.LOST_RESPONSE):
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(outcome)

    def _send(self, outcome: Outcome) -> None:
        self.send_response(outcome.status)
        for name, value in outcome.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(outcome.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if outcome.body and self.command != "HEAD":
            self.wfile.write(outcome.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

    def log_message(self, format: str, *args: object) -> None:
        # The request log lives in the emulator; stderr stays quiet.
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        self.emulator = emulator
        super().__init__(address, _Handler)


class EmulatorServer:
    """A running loopback server: ``.url``, ``.close()``, usable as a context manager."""

    def __init__(self, emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.emulator = emulator
        self._server = _Server((host, port), emulator)
        self.host = host
        self.port = int(self._server.server_address[1])
        self.url = f"http://{host}:{self.port}"
        # A short poll interval keeps close() quick; the cost is a few wake-ups a second.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"emulator:{self.port}",
            daemon=True,
        )
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> EmulatorServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def serve(emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> EmulatorServer:
    return EmulatorServer(emulator, host, port)
