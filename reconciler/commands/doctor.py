"""`reconciler doctor -e ENV`: a read-only preflight of the environment's org.

Shows the host and region, the OAuth client id (never the secret), whether a token is issued,
and one line per read the environment needs with `ok` or the HTTP status and the Genesys
permission that read needs; then the rate limit the org announces. Exit 0 when every check
passed, 1 otherwise. Nothing is written to the org.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from ..client import region_urls
from ..client.preflight import Check, Preflight, run
from ..connect import CLIENT_ID_VAR, REGION_VAR, open_client
from ..errors import ConfigurationError, ExitCode
from ..manifests.loader import load
from ..manifests.manifest import Manifest
from .options import env_option, format_option, root_option


def _region(manifest: Manifest) -> str | None:
    target = manifest.environment.target
    if target.region is None:
        return None
    return os.environ.get(REGION_VAR, "").strip() or target.region


def _host(manifest: Manifest) -> str:
    target = manifest.environment.target
    if target.base_url is not None:
        return target.base_url
    region = _region(manifest)
    return region_urls(region)[0] if region else "embedded emulator"


def _unconfigured(manifest: Manifest, error: ConfigurationError) -> Preflight:
    """No client could be opened (credentials or region missing): that is the one failed check."""
    check = Check("credentials", "", False, None, None, str(error))
    client_id = os.environ.get(CLIENT_ID_VAR, "").strip() or "(not set)"
    return Preflight(_host(manifest), _region(manifest), client_id, (check,), None)


def text(env: str, result: Preflight) -> str:
    lines = [
        f"Preflight of environment {env!r} (read-only)",
        f"  host:      {result.host}",
        f"  region:    {result.region or '-'}",
        f"  client id: {result.client_id} (the secret is never shown)",
        "",
    ]
    for check in result.checks:
        status = "ok" if check.ok else (str(check.status) if check.status else "failed")
        method = "POST" if check.name == "token" else "GET"
        where = f"{method} {check.path}" if check.path else ""
        lines.append(f"  {status:<6} {check.name:<30} {where}".rstrip())
        if check.permission:
            lines.append(f"         needs {check.permission}")
        if not check.ok and check.detail:
            lines.append(f"         {check.detail}")
    allowed = result.rate_limit_allowed
    lines += [
        "",
        f"Rate limit announced by the org: {allowed} requests/minute (inin-ratelimit-allowed)"
        if allowed is not None
        else "Rate limit: the org announced none (no inin-ratelimit-allowed header)",
    ]
    failed = sum(1 for check in result.checks if not check.ok)
    lines.append("All checks passed." if result.ok else f"{failed} check(s) failed.")
    return "\n".join(lines) + "\n"


@click.command("doctor")
@root_option
@env_option
@format_option("text", "json")
def command(root: Path, env: str, output_format: str) -> int:
    """Check, read-only, that ENV's org answers every read plan, apply and push need."""
    manifest = load(root, env)
    settings = manifest.environment
    try:
        with open_client(manifest) as client:
            result = run(
                client,
                region=_region(manifest),
                achievements_path=client.achievements_path
                if settings.manages_achievements
                else None,
                pushes="push" in settings.model_fields_set,
                members=any(p.members is not None for p in manifest.resources.profiles),
            )
    except ConfigurationError as error:
        result = _unconfigured(manifest, error)
    if output_format == "json":
        click.echo(json.dumps({"environment": env, **result.as_dict()}, indent=2, sort_keys=True))
    else:
        click.echo(text(env, result), nl=False)
    return int(ExitCode.OK if result.ok else ExitCode.ERROR)
