from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.connect import open_client
from reconciler.emulator import Emulator
from reconciler.errors import ConfigurationError
from reconciler.manifests.environment import EmbeddedEmulator, Environment, Target
from reconciler.manifests.manifest import Manifest
from reconciler.manifests.models import Resources


def manifest(target: Target, **settings: Any) -> Manifest:
    return Manifest(
        name="test",
        root=Path("/tmp/nowhere"),
        environment=Environment(target=target, **settings),
        resources=Resources(),
    )


CREDS = {"GENESYSCLOUD_OAUTHCLIENT_ID": "cid", "GENESYSCLOUD_OAUTHCLIENT_SECRET": "very-secret"}


def test_region_target_uses_the_region_hosts_and_env_credentials() -> None:
    client = open_client(
        manifest(Target(region="eu-central-1"), rate_limit_per_minute=120), env=CREDS
    )
    with client:
        assert client.base_url == "https://api.mypurecloud.de"
        assert client._requester._login_url == "https://login.mypurecloud.de"
        assert client.limiter.per_minute == 120


def test_genesyscloud_region_overrides_the_manifest_region() -> None:
    env = {**CREDS, "GENESYSCLOUD_REGION": "ap-southeast-2"}
    with open_client(manifest(Target(region="eu-central-1")), env=env) as client:
        assert client.base_url == "https://api.mypurecloud.com.au"


@pytest.mark.parametrize(
    "missing", ["GENESYSCLOUD_OAUTHCLIENT_ID", "GENESYSCLOUD_OAUTHCLIENT_SECRET"]
)
def test_a_missing_variable_is_named_and_no_value_is_shown(missing: str) -> None:
    env = {k: v for k, v in CREDS.items() if k != missing}
    with pytest.raises(ConfigurationError) as caught:
        open_client(manifest(Target(region="us-east-1")), env=env)
    assert missing in str(caught.value)
    assert "very-secret" not in str(caught.value)


def test_unknown_region_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="unknown Genesys Cloud region"):
        open_client(manifest(Target(region="moon-1")), env=CREDS)


def test_loopback_base_url_falls_back_to_emulator_defaults() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 600})
        return httpx.Response(200, json={"entities": []})

    target = Target(base_url="http://127.0.0.1:8990")
    with open_client(manifest(target), env={}, transport=httpx.MockTransport(handler)) as client:
        client.list_profiles()
    assert seen[0].url == "http://127.0.0.1:8990/oauth/token"
    assert seen[1].url.host == "127.0.0.1"


def test_remote_base_url_needs_credentials() -> None:
    with pytest.raises(ConfigurationError, match="GENESYSCLOUD_OAUTHCLIENT_ID"):
        open_client(manifest(Target(base_url="https://genesys-proxy.example.com")), env={})


def test_embedded_emulator_target_uses_the_given_transport_without_pacing() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 600})
        return httpx.Response(200, json={"entities": [{"id": "p"}]})

    target = Target(emulator=EmbeddedEmulator())
    settings = {"achievements_path": "/api/v2/x/achievements"}
    with open_client(
        manifest(target, **settings), env={}, transport=httpx.MockTransport(handler)
    ) as client:
        assert client.list_profiles() == [{"id": "p"}]
        assert client.limiter.per_minute is None
        assert client.achievements_path == "/api/v2/x/achievements"


def test_embedded_emulator_keeps_state_between_runs(tmp_path: Path) -> None:
    target = Target(emulator=EmbeddedEmulator(state=".reconciler/emulator-state.json"))
    local = Manifest(
        name="local", root=tmp_path, environment=Environment(target=target), resources=Resources()
    )
    with open_client(local, env={}) as first:
        first.create_external_metric(
            {
                "name": "Daily_Revenue_Closed",
                "unit": "Currency",
                "precision": 2,
                "defaultObjectiveType": "HigherIsBetter",
                "enabled": True,
            }
        )
    assert (tmp_path / ".reconciler" / "emulator-state.json").is_file()
    with open_client(local, env={}) as second:
        assert [m["name"] for m in second.list_external_metrics()] == ["Daily_Revenue_Closed"]


def test_loopback_base_url_talks_to_a_served_emulator_with_default_credentials() -> None:
    from reconciler.emulator import serve

    with serve(Emulator()) as server:
        target = Target(base_url=server.url)
        with open_client(manifest(target, rate_limit_per_minute=6000), env={}) as client:
            assert client.get_home_division()["name"] == "Home"


@pytest.mark.parametrize("url", ["api.mypurecloud.com", "ftp://x", "http://", "not a url"])
def test_a_malformed_base_url_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError, match="https://host"):
        open_client(manifest(Target(base_url=url)), env=CREDS)


def test_plain_http_to_a_remote_host_is_refused_before_the_secret_is_sent() -> None:
    """Basic auth over http:// would put the client secret on the wire unencrypted."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    transport = httpx.MockTransport(handler)
    target = Target(base_url="http://genesys-proxy.example.com:8080")
    with pytest.raises(ConfigurationError, match="https") as refused:
        open_client(manifest(target), env=CREDS, transport=transport)
    assert "very-secret" not in str(refused.value) and sent == []
