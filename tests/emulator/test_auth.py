"""OAuth client credentials and bearer checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from reconciler.emulator import Emulator

from .conftest import DEFINITIONS, authed_client, token


def _raw(emulator: Emulator) -> httpx.Client:
    return httpx.Client(transport=emulator.transport(), base_url="http://emulator.test")


def test_token_with_basic_auth(emulator: Emulator) -> None:
    with _raw(emulator) as client:
        reply = client.post(
            "/oauth/token",
            auth=("reconciler-local", "emulator-secret"),
            data={"grant_type": "client_credentials"},
        )
        assert reply.status_code == 200
        body = reply.json()
        assert body["token_type"] == "bearer" and body["expires_in"] == 86399
        assert (
            client.get(
                DEFINITIONS, headers={"Authorization": f"Bearer {body['access_token']}"}
            ).status_code
            == 200
        )


def test_token_rejections(emulator: Emulator) -> None:
    with _raw(emulator) as client:
        wrong = client.post(
            "/oauth/token",
            auth=("reconciler-local", "nope"),
            data={"grant_type": "client_credentials"},
        )
        assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
        grant = client.post(
            "/oauth/token",
            auth=("reconciler-local", "emulator-secret"),
            data={"grant_type": "password"},
        )
        assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
        assert "emulator-secret" not in wrong.text + grant.text


def test_configured_credentials(clock: object) -> None:
    emulator = Emulator(client_id="ci", client_secret="s3cret")
    with _raw(emulator) as client:
        ok = client.post(
            "/oauth/token", auth=("ci", "s3cret"), data={"grant_type": "client_credentials"}
        )
        assert ok.status_code == 200
        default = client.post(
            "/oauth/token",
            auth=("reconciler-local", "emulator-secret"),
            data={"grant_type": "client_credentials"},
        )
        assert default.status_code == 401


def test_missing_and_bad_bearer_get_401_bodies(emulator: Emulator) -> None:
    with _raw(emulator) as client:
        missing = client.get(DEFINITIONS)
        assert missing.status_code == 401
        assert missing.json()["code"] == "authentication.required"
        bad = client.get(DEFINITIONS, headers={"Authorization": "Bearer forged"})
        assert bad.status_code == 401 and bad.json()["code"] == "bad.credentials"
        assert bad.json()["status"] == 401 and bad.json()["contextId"]


def test_expire_tokens_and_fetch_again(emulator: Emulator) -> None:
    api = authed_client(emulator)
    assert api.get(DEFINITIONS).status_code == 200
    emulator.expire_tokens()
    assert api.get(DEFINITIONS).status_code == 401
    api.headers["Authorization"] = f"Bearer {token(api)}"
    assert api.get(DEFINITIONS).status_code == 200


def test_tokens_expire_with_time() -> None:
    moment = [datetime(2026, 11, 30, tzinfo=UTC)]
    emulator = Emulator(now=lambda: moment[0], token_lifetime_seconds=300)
    api = authed_client(emulator)
    moment[0] += timedelta(seconds=299)
    assert api.get(DEFINITIONS).status_code == 200
    moment[0] += timedelta(seconds=1)
    assert api.get(DEFINITIONS).status_code == 401


def test_unknown_path_and_method(api: httpx.Client) -> None:
    missing = api.get("/api/v2/nothing/here")
    assert missing.status_code == 404 and missing.json()["code"] == "not.found"
    assert api.get("/oauth/token").status_code == 405
