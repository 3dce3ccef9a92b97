"""What an API base URL may be: the one rule `validate`, `connect` and the client all apply.

A base URL is `scheme://host[:port]` and nothing else. The client appends `/api/v2/...` and
`/oauth/token` itself, so a path would be silently prefixed to every request; userinfo
(`user:pass@`) is a credential in a committed manifest; plain http is only for loopback,
because the token request carries the OAuth client secret. Messages never repeat a URL that
holds a credential.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit

__all__ = ["base_url_problem", "insecure_problem", "is_loopback", "url_problem"]

SHAPE = "must look like https://host[:port]"
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def is_loopback(url: str) -> bool:
    """Whether ``url`` points at this machine (127.0.0.0/8, ::1 or localhost)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.split(".")
    return len(host) <= 253 and all(_LABEL.match(label) for label in labels)


def _split(text: str) -> SplitResult | None:
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError:
        return None
    return parts


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a usable base URL (scheme, host, port, no path), or None."""
    text = url.strip()
    if "@" in text.split("//", 1)[-1].split("/", 1)[0]:
        # Checked before anything that would quote the URL back: it holds a credential.
        return (
            "holds a credential (user:password@ before the host); never put credentials in a "
            "manifest: the client reads GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET"
        )
    parts = _split(text)
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() or not c.isprintable() for c in text)
    ):
        return f"{SHAPE}, not {url!r}"
    if not _valid_host(parts.hostname):
        return f"{SHAPE}: {parts.hostname!r} is not a valid host name"
    if parts.port == 0:
        return f"{SHAPE}: port 0 is not a port a server answers on"
    if parts.path not in ("", "/") or parts.query or parts.fragment or text.endswith("?"):
        return (
            f"{SHAPE} with no path, not {url!r}: requests go to /api/v2/... under the host "
            "itself, so a path would be prefixed to every one"
        )
    return None


def insecure_problem(url: str) -> str | None:
    """Plain http to a host other than this machine: the OAuth secret would travel in clear."""
    parts = _split(url.strip())
    if parts is not None and parts.scheme == "http" and not is_loopback(url.strip()):
        return (
            f"{url.strip()!r} is plain http to a remote host: the OAuth secret would travel "
            "unencrypted; use https (http is for loopback only)"
        )
    return None


def base_url_problem(url: str) -> str | None:
    """The whole rule for an environment's `target.base_url`."""
    return url_problem(url) or insecure_problem(url)
