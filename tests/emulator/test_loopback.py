"""The emulator over real loopback HTTP: faults on the wire, /__emulator, the CLI process."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from reconciler.emulator import Emulator, EmulatorServer, Faults, serve

from .conftest import DEFINITIONS, NOW, definition_body

CREDENTIALS = ("reconciler-local", "emulator-secret")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmulatorServer]:
    with serve(Emulator(tmp_path / "state.json", now=lambda: NOW)) as running:
        yield running


def _client(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=5)
    reply = client.post("/oauth/token", auth=CREDENTIALS, data={"grant_type": "client_credentials"})
    client.headers["Authorization"] = f"Bearer {reply.json()['access_token']}"
    return client


def test_serves_on_loopback_with_keep_alive(server: EmulatorServer) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
    with closing(_client(server.url)) as api:
        for _ in range(3):
            reply = api.get(DEFINITIONS)
            assert reply.status_code == 200 and reply.http_version == "HTTP/1.1"
        created = api.post(DEFINITIONS, json=definition_body())
        assert created.status_code == 201
        assert api.delete(f"{DEFINITIONS}/{created.json()['id']}").status_code == 204


def test_dropped_connection_does_not_process(server: EmulatorServer) -> None:
    with closing(_client(server.url)) as api:
        server.emulator.set_faults(Faults(drop_rate=1.0))
        with pytest.raises(httpx.RemoteProtocolError):
            api.post(DEFINITIONS, json=definition_body())
        server.emulator.set_faults(Faults())
        assert api.get(DEFINITIONS).json()["total"] == 0


def test_lost_response_processes_then_drops(server: EmulatorServer) -> None:
    with closing(_client(server.url)) as api:
        server.emulator.set_faults(Faults(lost_response_rate=1.0))
        with pytest.raises(httpx.RemoteProtocolError):
            api.post(DEFINITIONS, json=definition_body())
        server.emulator.set_faults(Faults())
        assert api.get(DEFINITIONS).json()["total"] == 1


def test_latency_and_errors_over_the_wire(server: EmulatorServer) -> None:
    with closing(_client(server.url)) as api:
        server.emulator.set_faults(Faults(latency_ms=5, error_rate=1.0, error_status=500))
        reply = api.get(DEFINITIONS)
        assert reply.status_code == 500 and reply.json()["code"] == "internal.server.error"


def test_inspection_endpoints(server: EmulatorServer) -> None:
    with closing(_client(server.url)) as api, httpx.Client(base_url=server.url) as admin:
        metric = api.post(DEFINITIONS, json=definition_body()).json()
        alice = next(
            u for u in admin.get("/__emulator/objects/users").json() if u["name"] == "Alice Nguyen"
        )
        item = {"metricId": metric["id"], "userId": alice["id"], "dateOccurred": "2026-11-30"}
        api.post(
            "/api/v2/employeeperformance/externalmetrics/data",
            json={"items": [{**item, "value": 12.5}]},
        )
        assert admin.get("/__emulator/datapoints").json() == [{**item, "value": 12.5, "count": 1}]
        count = admin.get("/__emulator/count", params={"method": "POST", "pathPrefix": DEFINITIONS})
        assert count.json() == {"count": 1}
        assert admin.get("/__emulator/requests").json()[-1]["status"] == 200

        changed = admin.post(
            "/__emulator/mutate",
            json={
                "kind": "externalMetrics",
                "key": "Daily_Revenue_Closed",
                "changes": {"precision": 5},
            },
        )
        assert changed.status_code == 200
        assert api.get(f"{DEFINITIONS}/{metric['id']}").json()["precision"] == 5

        assert admin.post("/__emulator/faults", json={"storm": 1}).json()["storm"] == 1
        assert api.get(DEFINITIONS).status_code == 429
        assert admin.post("/__emulator/faults", json={}).status_code == 200
        assert admin.post("/__emulator/expire-tokens").status_code == 204
        assert api.get(DEFINITIONS).status_code == 401

        assert (
            admin.post("/__emulator/remove", json={"kind": "users", "key": "nobody"}).status_code
            == 404
        )
        assert admin.post("/__emulator/faults", json={"error_rate": 9}).status_code == 400
        assert admin.post("/__emulator/reset-log").status_code == 204
        assert admin.get("/__emulator/count").json() == {"count": 0}
        assert admin.get("/__emulator/nothing").status_code == 404


def _free_port_process(tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reconciler",
            "emulator",
            "--port",
            "0",
            "--state",
            str(tmp_path / "s.json"),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.slow
def test_cli_serves_until_sigterm_and_keeps_state(tmp_path: Path) -> None:
    process = _free_port_process(tmp_path, "--rate-limit", "6000", "--storm", "1")
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # blocks until the server is listening
        match = re.search(r"(http://127\.0\.0\.1:\d+)", first)
        assert match, first
        client_line = process.stdout.readline()
        assert "reconciler-local" in client_line and "documented default" in client_line
        with closing(_client(match.group(1))) as api:
            stormed = api.get(DEFINITIONS)  # --storm 1: the first API request gets a 429
            assert stormed.status_code == 429 and stormed.headers["Retry-After"] == "1"
            assert api.post(DEFINITIONS, json=definition_body()).status_code == 201
            assert api.get(DEFINITIONS).headers["inin-ratelimit-allowed"] == "6000"
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    saved = json.loads((tmp_path / "s.json").read_text())
    assert [d["name"] for d in saved["collections"]["externalMetrics"].values()] == [
        "Daily_Revenue_Closed"
    ]


def test_cli_never_prints_a_configured_secret(tmp_path: Path) -> None:
    process = _free_port_process(tmp_path, "--client-secret", "hunter2-secret")
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline(), process.stdout.readline()]
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    assert "hunter2" not in "".join(lines) + out + err


def test_cli_rejects_bad_fault_settings() -> None:
    from reconciler.cli import main

    assert main(["emulator", "--error-rate", "2"]) == 4
    assert main(["emulator", "--rate-limit", "0"]) == 4
    assert main(["emulator", "--port", "99999"]) == 4  # was an OverflowError traceback


def test_port_in_use_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    from reconciler.cli import main

    with serve(Emulator()) as running:
        assert main(["emulator", "--port", str(running.port)]) == 1
    err = capsys.readouterr().err
    assert "cannot listen on 127.0.0.1" in err and "Traceback" not in err


def test_oversized_body_is_refused_without_reading_it(server: EmulatorServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(
            b"POST /api/v2/employeeperformance/externalmetrics/data HTTP/1.1\r\n"
            b"Host: x\r\nContent-Length: 999999999999\r\n\r\n"
        )
        chunks = []
        for _ in range(100):  # the server hangs up after answering
            chunk = raw.recv(4096)
            if not chunk:
                break
            chunks.append(chunk)
        answer = b"".join(chunks).decode()
    assert answer.startswith("HTTP/1.1 413") and "request.entity.too.large" in answer


def test_cli_seeds_extra_agents(tmp_path: Path) -> None:
    from reconciler.cli import main

    process = _free_port_process(tmp_path, "--agents", "12")
    try:
        assert process.stdout is not None
        process.stdout.readline()  # listening: the seeded state is written by then
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    users = json.loads((tmp_path / "s.json").read_text())["collections"]["users"].values()
    emails = {u["email"] for u in users}
    assert len(emails) == 8 + 12 and "agent.0012@example.com" in emails
    assert main(["emulator", "--agents", "-1"]) == 4


def test_sigterm_right_after_start_always_stops_the_emulator(tmp_path: Path) -> None:
    """SIGTERM landing while the main loop waits must stop it (it once deadlocked now and then:
    the handler set a threading.Event whose lock the interrupted wait held)."""
    for attempt in range(20):
        process = _free_port_process(tmp_path / str(attempt))
        try:
            assert process.stdout is not None
            process.stdout.readline()
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=30)
        finally:
            if process.poll() is None:  # hung: kill it so the test fails cleanly
                process.kill()
                process.communicate()
        assert process.returncode == 0, attempt
