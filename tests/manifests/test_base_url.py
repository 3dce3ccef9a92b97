"""`validate` refuses every base_url that plan would refuse or misuse, with file and line."""

from __future__ import annotations

import json

import pytest

from reconciler.client.urls import base_url_problem
from reconciler.errors import ExitCode

from .conftest import Env, Run

WHERE = "environments/dev/environment.yaml:2:13: target.base_url: "


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://x.example.com/path", "with no path"),
        ("https://x.example.com/api/v2", "with no path"),
        ("https://x.example.com?x=1", "with no path"),
        ("https://a..b", "'a..b' is not a valid host name"),
        ("https://-a.example.com", "is not a valid host name"),
        ("https://a_b.example.com", "is not a valid host name"),
        ("http://127.0.0.1:0", "port 0"),
        ("https://x.example.com:0", "port 0"),
        ("http://genesys-proxy.example.com", "plain http to a remote host"),
        ("http://10.0.0.8:8990", "plain http to a remote host"),
    ],
)
def test_validate_refuses_a_base_url_plan_would_refuse_or_misuse(
    env: Env, run: Run, url: str, message: str
) -> None:
    env(settings=f"target:\n  base_url: {json.dumps(url)}\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST, result.text
    line = next(x for x in result.text.splitlines() if "target.base_url" in x)
    assert line.startswith(WHERE) and message in line, line
    assert "Traceback" not in result.text


@pytest.mark.parametrize(
    "url",
    ["http://user:hunter2@127.0.0.1:9", "https://svc:hunter2@api.example.com", "https://a@b.c"],
)
def test_a_credential_in_the_url_is_named_as_such_and_never_printed(
    env: Env, run: Run, url: str
) -> None:
    env(settings=f"target:\n  base_url: {json.dumps(url)}\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST, result.text
    assert WHERE + "holds a credential" in result.text
    assert "hunter2" not in result.text and url not in result.text


@pytest.mark.parametrize(
    "url",
    [
        "https://api.mypurecloud.com",
        "https://api.mypurecloud.com/",
        "http://127.0.0.1:8990",
        "http://localhost:8990",
        "http://[::1]:8990",
        "https://genesys-proxy.example.com:8443",
    ],
)
def test_plain_base_urls_pass(env: Env, run: Run, url: str) -> None:
    env(settings=f"target:\n  base_url: {json.dumps(url)}\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.OK, result.text
    assert base_url_problem(url) is None
