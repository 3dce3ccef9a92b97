"""A SOQL query as a push source, through simple-salesforce (the `[salesforce]` extra).

Credentials come from the environment, never the command line:

    SALESFORCE_INSTANCE_URL + SALESFORCE_ACCESS_TOKEN     an OAuth access token (a session id)
    SALESFORCE_USERNAME + SALESFORCE_PASSWORD             a username-password login; with
      (+ SALESFORCE_SECURITY_TOKEN, SALESFORCE_DOMAIN)    SALESFORCE_DOMAIN=test for a sandbox,
                                                          or a My Domain such as acme.my

Columns are SOQL field paths (`Owner.Email`, `CloseDate`, an alias of an aggregate), matched
ignoring case. Records are streamed page by page (`query_all_iter` follows `nextRecordsUrl`);
numbers are parsed as Decimal, so currency amounts stay exact. `CloseDate` (a date) is taken
as the agent's local day as-is; a datetime (`2026-11-30T17:05:12.000+0000`) is placed in the
agent's zone like any timestamp with an offset.

Every error of the library or of `requests` is translated here, into one line without
credentials (the token travels in a header, never in a URL or a message).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ...errors import ConfigurationError, ReconcilerError
from ...extras import missing_extra
from ..reader import Columns, Row, RowError, row_from_fields
from . import field_lookup

if TYPE_CHECKING:
    import requests

# (connect, read) seconds for every request: requests has no default, and a push must end.
TIMEOUT = (10.0, 120.0)
NEEDS_CREDENTIALS = (
    "--salesforce needs credentials in the environment: SALESFORCE_INSTANCE_URL and "
    "SALESFORCE_ACCESS_TOKEN, or SALESFORCE_USERNAME, SALESFORCE_PASSWORD and "
    "SALESFORCE_SECURITY_TOKEN (SALESFORCE_DOMAIN=test for a sandbox)"
)


def make_session(verify: bool | str = True) -> requests.Session:
    """A requests session whose every request has a timeout; `verify`: a CA bundle path."""
    try:
        import requests
    except ImportError:
        raise missing_extra("--salesforce", "salesforce") from None

    class TimeoutSession(requests.Session):
        def request(self, *args: Any, **kwargs: Any) -> requests.Response:
            kwargs.setdefault("timeout", TIMEOUT)
            if self.verify is not True:
                # requests lets REQUESTS_CA_BUNDLE override a session's own CA bundle unless
                # the request names it; with verify=True that variable keeps working.
                kwargs.setdefault("verify", self.verify)
            return super().request(*args, **kwargs)

    session = TimeoutSession()
    session.verify = verify
    return session


@dataclass(frozen=True)
class SalesforceSource:
    soql: str
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    session: requests.Session | None = None  # None: `make_session()`

    @property
    def label(self) -> str:
        query = " ".join(self.soql.split())
        return f"Salesforce query {query[:77] + '...' if len(query) > 80 else query!r}"

    @property
    def unit(self) -> str:
        return "record"

    def rows(self, columns: Columns, source_tz: ZoneInfo | None) -> Iterator[Row | RowError]:
        client = connect(self.environ, self.session)  # checks the extra is installed
        from requests import RequestException
        from simple_salesforce.exceptions import SalesforceError

        try:
            records = client.query_all_iter(self.soql, timeout=TIMEOUT)
            paths: dict[str, list[str]] = {}
            for number, record in enumerate(records, start=1):
                if number == 1:
                    paths = _resolve_paths(record, columns.required())
                fields = {name: _value_at(record, path) for name, path in paths.items()}
                yield row_from_fields(number, fields, columns, source_tz)
        except SalesforceError as error:
            raise _translated(error) from None
        except RequestException as error:
            raise _unreachable(client_instance(client), error) from None


def connect(environ: Mapping[str, str], session: requests.Session | None = None) -> Any:
    """A logged-in `simple_salesforce.Salesforce` from the environment's credentials."""
    try:
        from requests import RequestException
        from simple_salesforce.api import Salesforce
        from simple_salesforce.exceptions import SalesforceAuthenticationFailed
    except ImportError:
        raise missing_extra("--salesforce", "salesforce") from None
    session = session if session is not None else make_session()
    version = environ.get("SALESFORCE_API_VERSION") or None
    options: dict[str, Any] = {"session": session, "parse_float": Decimal}
    if version:
        options["version"] = version
    token = environ.get("SALESFORCE_ACCESS_TOKEN")
    username, password = environ.get("SALESFORCE_USERNAME"), environ.get("SALESFORCE_PASSWORD")
    if token:
        instance_url = environ.get("SALESFORCE_INSTANCE_URL", "").strip()
        parts = urlsplit(instance_url)
        if parts.scheme != "https" or not parts.hostname:
            raise ConfigurationError(
                "SALESFORCE_INSTANCE_URL must be the org's https:// address "
                "(e.g. https://acme.my.salesforce.com) when SALESFORCE_ACCESS_TOKEN is set"
            )
        return Salesforce(instance_url=instance_url, session_id=token, **options)
    if username and password:
        domain = environ.get("SALESFORCE_DOMAIN") or "login"
        try:
            return Salesforce(
                username=username,
                password=password,
                # An org that trusts the caller's IP range needs no security token.
                security_token=environ.get("SALESFORCE_SECURITY_TOKEN", ""),
                domain=domain,
                **options,
            )
        except SalesforceAuthenticationFailed as error:
            raise ConfigurationError(
                f"Salesforce login at {domain}.salesforce.com failed: "
                f"{error.code}: {error.auth_message}"
            ) from None
        except RequestException as error:
            raise _unreachable(f"{domain}.salesforce.com", error) from None
    raise ConfigurationError(NEEDS_CREDENTIALS)


def client_instance(client: Any) -> str:
    return str(getattr(client, "sf_instance", "Salesforce"))


def _resolve_paths(record: Mapping[str, Any], wanted: list[str]) -> dict[str, list[str]]:
    """Column -> the record's own key path; an unknown column fails before any row is used."""
    paths: dict[str, list[str]] = {}
    for name in wanted:
        path = _find_path(record, name.split("."))
        if path is None:
            known = ", ".join(_field_paths(record)) or "none"
            raise ReconcilerError(
                f"the Salesforce query result has no field {name!r} (it has: {known}); "
                "name a field the query selects, e.g. --agent-column Owner.Email"
            )
        paths[name] = path
    return paths


def _find_path(record: Mapping[str, Any], parts: list[str]) -> list[str] | None:
    node: Any = record
    path: list[str] = []
    for part in parts:
        if node is None:  # an empty lookup (no owner): the field is there, its value null
            return [*path, *parts[len(path) :]]
        if not isinstance(node, Mapping):
            return None
        key = field_lookup([k for k in node if k != "attributes"], part)
        if key is None:
            return None
        path.append(key)
        node = node[key]
    return path


def _value_at(record: Mapping[str, Any], path: list[str]) -> object:
    node: Any = record
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _field_paths(record: Mapping[str, Any], prefix: str = "") -> list[str]:
    paths: list[str] = []
    for key, value in record.items():
        if key == "attributes":
            continue
        if isinstance(value, Mapping):
            paths.extend(_field_paths(value, f"{prefix}{key}."))
        else:
            paths.append(f"{prefix}{key}")
    return paths


def _errors_of(content: object) -> str:
    """`[{errorCode, message}]` (the REST API's error body) as `CODE: message; ...`."""
    if isinstance(content, list):
        parts = [
            f"{item.get('errorCode')}: {' '.join(str(item.get('message', '')).split())}"
            for item in content
            if isinstance(item, Mapping)
        ]
        if parts:
            return "; ".join(parts)
    text = content.decode(errors="replace") if isinstance(content, bytes) else str(content)
    return " ".join(text.split())[:300] or "no details"


def _translated(error: Any) -> ReconcilerError:
    from simple_salesforce.exceptions import (
        SalesforceExpiredSession,
        SalesforceMalformedRequest,
        SalesforceRefusedRequest,
    )

    details = _errors_of(error.content)
    if isinstance(error, SalesforceExpiredSession):
        return ConfigurationError(
            f"Salesforce refused the session ({details}): set a fresh SALESFORCE_ACCESS_TOKEN, "
            "or log in with SALESFORCE_USERNAME and SALESFORCE_PASSWORD (renewed as needed)"
        )
    if isinstance(error, SalesforceMalformedRequest):
        return ReconcilerError(f"Salesforce refused the query: {details}")
    if isinstance(error, SalesforceRefusedRequest):
        return ReconcilerError(f"Salesforce refused the request (403): {details}")
    return ReconcilerError(f"Salesforce answered {error.status}: {details}")


def _unreachable(where: str, error: Exception) -> ReconcilerError:
    # requests' text names the URL (never the token: that is a header) and the cause.
    reason = " ".join(str(error).split())[:240]
    return ReconcilerError(f"cannot reach Salesforce at {where}: {type(error).__name__}: {reason}")
