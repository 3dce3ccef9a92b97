"""Turn an environment's ``target`` into a connected ``GenesysClient``.

- ``region``: credentials from ``GENESYSCLOUD_OAUTHCLIENT_ID`` / ``GENESYSCLOUD_OAUTHCLIENT_SECRET``
  (the names Genesys's Terraform provider reads); ``GENESYSCLOUD_REGION`` overrides the region.
- ``base_url``: the same variables; only for a loopback URL (a local ``reconciler emulator``)
  do they fall back to the emulator's documented default credentials.
- ``emulator``: an in-process emulator whose state lives in the target's ``state`` file
  (relative to the manifest root), so successive runs see what earlier runs did.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import httpx

from .client import GenesysClient, region_urls
from .client.urls import base_url_problem, is_loopback
from .errors import ConfigurationError
from .manifests.environment import DEFAULT_ACHIEVEMENTS_PATH
from .manifests.manifest import Manifest

__all__ = [
    "CLIENT_ID_VAR",
    "CLIENT_SECRET_VAR",
    "EMULATOR_CLIENT_ID",
    "EMULATOR_CLIENT_SECRET",
    "REGION_VAR",
    "is_loopback",
    "open_client",
]

CLIENT_ID_VAR = "GENESYSCLOUD_OAUTHCLIENT_ID"
CLIENT_SECRET_VAR = "GENESYSCLOUD_OAUTHCLIENT_SECRET"
REGION_VAR = "GENESYSCLOUD_REGION"
# The emulator's documented defaults: not secrets, they only open a local fake.
EMULATOR_CLIENT_ID = "reconciler-local"
EMULATOR_CLIENT_SECRET = "emulator-secret"
EMBEDDED_BASE_URL = "http://emulator.invalid"


def _credentials(env: Mapping[str, str], *, loopback: bool) -> tuple[str, str]:
    client_id = env.get(CLIENT_ID_VAR, "").strip()
    client_secret = env.get(CLIENT_SECRET_VAR, "").strip()
    if not client_id and not client_secret and loopback:
        return EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET
    for name, value in ((CLIENT_ID_VAR, client_id), (CLIENT_SECRET_VAR, client_secret)):
        if not value:
            raise ConfigurationError(f"{name} is not set; export the OAuth client's credentials")
    return client_id, client_secret


def open_client(
    manifest: Manifest,
    *,
    transport: httpx.BaseTransport | None = None,
    env: Mapping[str, str] | None = None,
) -> GenesysClient:
    """A client for the environment's target; the caller closes it (it is a context manager).

    ``transport`` replaces the network (tests pass an emulator's in-process transport);
    ``env`` replaces ``os.environ``.
    """
    environ = os.environ if env is None else env
    settings = manifest.environment
    target = settings.target
    per_minute: int | None = settings.rate_limit_per_minute
    if target.emulator is not None:
        if transport is None:
            # Imported here: the emulator is only loaded when an environment asks for it.
            from .emulator import Emulator

            emulator = Emulator(
                state_path=manifest.root / target.emulator.state,
                achievements_path=settings.achievements_path or DEFAULT_ACHIEVEMENTS_PATH,
            )
            transport = emulator.transport()
        # The in-process emulator does not rate-limit, so pacing would only slow runs down.
        base_url, login_url = EMBEDDED_BASE_URL, None
        client_id, client_secret = EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET
        per_minute = None
    elif target.base_url is not None:
        base_url, login_url = target.base_url, None
        # `validate` applies the same rule with file and line; this covers a Target built in code.
        problem = base_url_problem(base_url)
        if problem is not None:
            raise ConfigurationError(f"target.base_url {problem}")
        client_id, client_secret = _credentials(environ, loopback=is_loopback(base_url))
    else:
        region = environ.get(REGION_VAR, "").strip() or target.region
        if not region:
            raise ConfigurationError(f"no region: set target.region or {REGION_VAR}")
        base_url, login_url = region_urls(region)
        client_id, client_secret = _credentials(environ, loopback=False)
    return GenesysClient(
        base_url,
        client_id,
        client_secret,
        login_url=login_url,
        transport=transport,
        rate_limit_per_minute=per_minute,
        achievements_path=settings.achievements_path or DEFAULT_ACHIEVEMENTS_PATH,
    )
