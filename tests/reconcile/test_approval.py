"""Approval before apply writes: a terminal is asked (only `yes` proceeds); without one,
`--auto-approve` or a saved plan is required. Real processes: a pseudo-terminal for the
interactive path, pipes for the non-interactive one; writes counted on the loopback emulator."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import api_writes, write_env

from reconciler.cli import main
from reconciler.commands.apply import command as apply_command
from reconciler.emulator import Emulator, EmulatorServer, Faults
from reconciler.errors import ExitCode, UsageError

pytestmark = pytest.mark.slow


def _reconciler(*args: str) -> list[str]:
    return [sys.executable, "-m", "reconciler", *args]


class Terminal:
    """`reconciler` on a pseudo-terminal (stdin, stdout and stderr): what a person sees."""

    def __init__(self, argv: list[str]) -> None:
        main_fd, child_fd = pty.openpty()
        env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"COLUMNS": "120"}
        self.process = subprocess.Popen(
            argv, stdin=child_fd, stdout=child_fd, stderr=child_fd, env=env, close_fds=True
        )
        os.close(child_fd)
        self.fd = main_fd
        self.seen = b""

    def read_until(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.seen and time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                self.seen += chunk
        return self.seen.decode(errors="replace")

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode() + b"\r")

    def finish(self, timeout: float = 60) -> tuple[int, str]:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self.read_until("\0never\0", timeout=0.3)
        self.read_until("\0never\0", timeout=0.3)  # drain what is left
        if self.process.poll() is None:  # hung: stop it, and fail below with what it printed
            self.process.kill()
        code = self.process.wait(timeout=10)
        os.close(self.fd)
        return code, self.seen.decode(errors="replace")


@pytest.fixture
def loop(project: Path, server: EmulatorServer) -> list[str]:
    write_env(project, "loop", server.url)
    return ["apply", "-e", "loop", "--root", str(project)]


def test_on_a_terminal_anything_but_yes_cancels_and_writes_nothing(
    loop: list[str], emulator: Emulator
) -> None:
    terminal = Terminal(_reconciler(*loop))
    shown = terminal.read_until("Enter a value")
    assert "will be created" in shown and "Only 'yes' will be accepted" in shown
    terminal.type("y")
    code, seen = terminal.finish()
    assert code == ExitCode.ERROR, seen
    assert "Apply cancelled." in seen
    assert api_writes(emulator) == 0


def test_on_a_terminal_yes_applies_with_progress_and_a_bar(
    loop: list[str], emulator: Emulator
) -> None:
    emulator.set_faults(Faults(latency_ms=20))
    terminal = Terminal(_reconciler(*loop))
    terminal.read_until("Enter a value")
    assert api_writes(emulator) == 0, "nothing is written before the answer"
    terminal.type("yes")
    code, seen = terminal.finish()
    assert code == ExitCode.OK, seen
    assert api_writes(emulator) > 0
    assert "Apply complete:" in seen
    assert " writes, " in seen and "ETA" in seen  # the bar, redrawn in place
    assert "\r\x1b[K" in seen


def test_without_a_terminal_apply_needs_auto_approve_or_a_saved_plan(
    loop: list[str], emulator: Emulator
) -> None:
    done = subprocess.run(
        _reconciler(*loop), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == ExitCode.USAGE
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "--auto-approve" in lines[0] and "--plan FILE" in lines[0]
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert emulator.count() == 0, "refused before any API call"

    approved = subprocess.run(
        _reconciler(*loop, "--auto-approve"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert approved.returncode == ExitCode.OK, approved.stderr
    assert api_writes(emulator) > 0
    # Not a terminal: plain lines, no bar, nothing redrawn.
    assert "\r" not in approved.stderr and "ETA" not in approved.stderr


def test_a_saved_plan_is_its_own_approval(
    loop: list[str], project: Path, emulator: Emulator, tmp_path: Path
) -> None:
    saved = tmp_path / "plan.json"
    root = ["-e", "loop", "--root", str(project)]
    assert main(["plan", *root, "--out", str(saved)]) == ExitCode.OK
    assert main(["apply", *root, "--plan", str(saved)]) == ExitCode.OK
    assert api_writes(emulator) > 0


def test_without_a_terminal_cli_runner_refuses_too(project: Path) -> None:
    # CliRunner's stdin is not a terminal; the command raises the usage error main maps to 4.
    result = CliRunner().invoke(apply_command, ["-e", "local", "--root", str(project)])
    assert isinstance(result.exception, UsageError), result.output
    assert result.exception.exit_code == ExitCode.USAGE
    assert "--auto-approve" in str(result.exception) and "--plan FILE" in str(result.exception)
    assert not (project / ".reconciler" / "emulator-state.json").exists()


def test_apply_format_json_is_the_result_and_progress_goes_to_stderr(
    loop: list[str], project: Path, emulator: Emulator
) -> None:
    done = subprocess.run(
        _reconciler(*loop, "--auto-approve", "--format", "json"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == ExitCode.OK, done.stderr
    result = json.loads(done.stdout)  # stdout is the JSON alone
    assert result["status"] == "succeeded" and result["counts"]["succeeded"] == api_writes(emulator)
    report = project / ".reconciler" / "loop" / "apply-report.json"
    assert result == json.loads(report.read_text())
    lines = done.stderr.splitlines()
    steps = len(result["steps"])
    # Each write: one line when it starts, one when it ends (with its time), then the closing.
    assert sum(line.endswith(" started") for line in lines) == steps
    ended = [line for line in lines if " succeeded in " in line]
    assert len(ended) == steps and all(line.endswith("s") for line in ended)
    assert any(line.startswith("Apply took ") for line in lines)
    # The plan is printed once, on stderr (the log), not on stdout.
    assert done.stderr.count("Reconciler will perform the following actions") == 1
