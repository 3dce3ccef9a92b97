"""Cassettes of the documented request/response shapes, recorded from the loopback emulator.

Re-record (after an emulator change) with:

    .venv/bin/python -m tests.client.recording

Authorization headers and token bodies are replaced before anything is written; the
recording credentials are throwaway values, and a test checks none of them reached a file.
"""

from __future__ import annotations

import contextlib
import json
import random
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import vcr

from reconciler.client import GenesysClient, RetryPolicy
from reconciler.errors import ApiError

CASSETTES = Path(__file__).parent / "cassettes"
# Throwaway credentials the recording emulator accepts; never valid anywhere else.
RECORD_CLIENT_ID = "cassette-recorder"
RECORD_SECRET = "cassette-secret-5b1f0e"
SCRUBBED = "<scrubbed>"
RECORDED_BASE = "http://127.0.0.1:8990"
SENSITIVE_HEADERS = ("authorization", "set-cookie", "cookie")


def _scrub_request(request: Any) -> Any:
    for name in list(request.headers):
        if name.lower() in SENSITIVE_HEADERS:
            request.headers[name] = SCRUBBED
    if request.path.endswith("/oauth/token"):
        request.body = SCRUBBED.encode()
    # Loopback ports differ per run; record every request against one fixed origin.
    parts = urlsplit(request.uri)
    request.uri = RECORDED_BASE + parts.path + (f"?{parts.query}" if parts.query else "")
    request.headers.pop("host", None)
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    raw = response.get("content") or (response.get("body") or {}).get("string")
    if raw:
        text = raw.decode() if isinstance(raw, bytes) else str(raw)
        try:
            body = json.loads(text)
        except ValueError:
            body = None
        if isinstance(body, dict) and "access_token" in body:
            body["access_token"] = SCRUBBED
            response["headers"].pop("content-length", None)
            scrubbed = json.dumps(body)
            if "content" in response:
                response["content"] = scrubbed
            else:
                response["body"]["string"] = scrubbed.encode()
    for name in list(response.get("headers", {})):
        if name.lower() in SENSITIVE_HEADERS:
            response["headers"][name] = [SCRUBBED]
    return response


def cassette_vcr(record_mode: str) -> vcr.VCR:
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode,
        match_on=["method", "path", "query"],
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )


def replay_client(**options: Any) -> GenesysClient:
    """A client whose requests can only be answered by a cassette (nothing listens there)."""
    from .conftest import FakeClock

    clock = FakeClock()
    defaults: dict[str, Any] = {
        "rate_limit_per_minute": None,
        "clock": clock,
        "sleep": clock.sleep,
        "rng": random.Random(0),
        "retry": RetryPolicy(),
    }
    defaults.update(options)
    return GenesysClient(RECORDED_BASE, RECORD_CLIENT_ID, RECORD_SECRET, **defaults)


def record() -> None:
    from reconciler.emulator import Emulator, Faults, serve

    from . import scenario

    for old in CASSETTES.glob("*.yaml"):
        old.unlink()
    recorder = cassette_vcr("all")

    emulator = Emulator(client_id=RECORD_CLIENT_ID, client_secret=RECORD_SECRET)
    with (
        serve(emulator) as server,
        recorder.use_cassette("every_endpoint.yaml"),
        GenesysClient(
            server.url, RECORD_CLIENT_ID, RECORD_SECRET, rate_limit_per_minute=None
        ) as client,
    ):
        scenario.run(client)

    emulator = Emulator(client_id=RECORD_CLIENT_ID, client_secret=RECORD_SECRET)
    with serve(emulator) as server, recorder.use_cassette("errors.yaml"):
        slept: list[float] = []
        with GenesysClient(
            server.url,
            RECORD_CLIENT_ID,
            RECORD_SECRET,
            rate_limit_per_minute=None,
            sleep=slept.append,
        ) as client:
            # 404 with a Genesys error body
            with contextlib.suppress(ApiError):
                client.get_external_metric("00000000-0000-0000-0000-000000000000")
            # a 429 storm of two, waited out
            emulator.set_faults(Faults(storm=2, storm_retry_after=3))
            client.list_profiles()
            emulator.set_faults(Faults())
            # an expired token: 401, a new token, the retry
            emulator.expire_tokens()
            client.list_divisions()
            # 409: deleting a definition a profile metric uses
            scenario_metric = client.create_external_metric(scenario.REVENUE)
            default = client.list_profiles()[0]
            client.create_profile_metric(
                default["id"],
                {
                    "name": "Revenue closed",
                    "externalMetricDefinitionId": scenario_metric["id"],
                    "objective": {"zones": scenario.ZONES, "enabled": True},
                },
            )
            with contextlib.suppress(ApiError):
                client.delete_external_metric(scenario_metric["id"])
    print(f"recorded {sorted(p.name for p in CASSETTES.glob('*.yaml'))}")


if __name__ == "__main__":
    record()
