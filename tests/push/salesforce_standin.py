"""A loopback HTTPS stand-in for the Salesforce REST query API and the SOAP login.

What it serves, as Salesforce documents it: `GET /services/data/vXX.X/query?q=SOQL` answers
`{totalSize, done, records, nextRecordsUrl}`, `nextRecordsUrl` pages on; a bad bearer token
is 401 `[{"errorCode": "INVALID_SESSION_ID"}]`; a field the object does not have is 400
`INVALID_FIELD`. `POST /services/Soap/u/XX.X` logs in and answers a sessionId and serverUrl.
It does not parse SOQL: the test sets the records its query would select.
"""

from __future__ import annotations

import json
import re
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .tls import Certificates

API = "/services/data/v59.0"
LOGIN_RESPONSE = """<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
  xmlns="urn:partner.soap.sforce.com"><soapenv:Body><loginResponse><result>
<serverUrl>{server}/services/Soap/u/59.0/00D000000000001</serverUrl>
<sessionId>{session}</sessionId></result></loginResponse></soapenv:Body></soapenv:Envelope>"""
LOGIN_FAULT = """<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
  xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault>
<faultcode>sf:INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: Invalid username, password,
security token; or user locked out.</faultstring><detail><sf:LoginFault>
<sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode><sf:exceptionMessage>Invalid username,
password, security token; or user locked out.</sf:exceptionMessage></sf:LoginFault></detail>
</soapenv:Fault></soapenv:Body></soapenv:Envelope>"""


def opportunity(owner: str | None, close_date: str, amount: Any, **more: Any) -> dict[str, Any]:
    """A record as the query API returns it: attributes, a nested relationship."""
    owner_field = (
        None
        if owner is None
        else {"attributes": {"type": "User", "url": f"{API}/sobjects/User/005"}, "Email": owner}
    )
    return {
        "attributes": {"type": "Opportunity", "url": f"{API}/sobjects/Opportunity/006"},
        "Owner": owner_field,
        "CloseDate": close_date,
        "Amount": amount,
        **more,
    }


@dataclass
class StandIn:
    url: str = ""
    records: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 2000
    tokens: set[str] = field(default_factory=lambda: {"valid-token"})
    invalid_fields: set[str] = field(default_factory=set)  # a query naming one gets 400
    users: dict[str, str] = field(default_factory=dict)  # username -> password+token
    # Query requests after which every token stops working (the session expires mid-query).
    expire_after: int | None = None
    queries: list[str] = field(default_factory=list)  # every query-API path, in order
    logins: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, method: str, target: str, headers: Any, body: bytes) -> tuple[int, str, str]:
        path = urlsplit(target).path
        if method == "POST" and path.startswith("/services/Soap/u/"):
            return self._login(body)
        if method != "GET" or not path.startswith(f"{API}/query"):
            return 404, "application/json", json.dumps([{"errorCode": "NOT_FOUND"}])
        with self.lock:
            self.queries.append(target)
            if self.expire_after is not None and len(self.queries) > self.expire_after:
                self.tokens.clear()
                self.expire_after = None
            token = str(headers.get("Authorization", "")).removeprefix("Bearer ")
            if token not in self.tokens:
                error = {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
                return 401, "application/json", json.dumps([error])
        if path.rstrip("/") == f"{API}/query":
            soql = parse_qs(urlsplit(target).query).get("q", [""])[0]
            for name in sorted(self.invalid_fields):
                if re.search(rf"\b{re.escape(name)}\b", soql):
                    message = (
                        f"\n{name}\n ^\nERROR at Row:1:Column:8\nNo such column '{name}' on "
                        "entity 'Opportunity'. If you are attempting to use a custom field, be "
                        "sure to append the '__c' after the custom field name."
                    )
                    error = {"message": message, "errorCode": "INVALID_FIELD"}
                    return 400, "application/json", json.dumps([error])
            start = 0
        else:
            start = int(path.rsplit("-", 1)[1])
        page = self.records[start : start + self.page_size]
        end = start + len(page)
        body_out: dict[str, Any] = {
            "totalSize": len(self.records),
            "done": end >= len(self.records),
            "records": page,
        }
        if end < len(self.records):
            body_out["nextRecordsUrl"] = f"{API}/query/01gD0000002HU6KIAW-{end}"
        return 200, "application/json", json.dumps(body_out)

    def _login(self, body: bytes) -> tuple[int, str, str]:
        text = body.decode()
        username = re.search(r"<\w+:username>(.*?)</\w+:username>", text)
        password = re.search(r"<\w+:password>(.*?)</\w+:password>", text)
        if not username or not password or self.users.get(username[1]) != password[1]:
            return 500, "text/xml", LOGIN_FAULT
        with self.lock:
            self.logins += 1
            session = f"session-{self.logins}"
            self.tokens.add(session)
        return 200, "text/xml", LOGIN_RESPONSE.format(server=self.url, session=session)


@contextmanager
def serve(certificates: Certificates) -> Iterator[StandIn]:
    standin = StandIn()

    class Handler(BaseHTTPRequestHandler):
        def _reply(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, kind, text = standin.answer(self.command, self.path, self.headers, body)
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _reply

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates.cert, certificates.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    standin.url = f"https://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield standin
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
