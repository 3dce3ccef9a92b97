from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconciler.cli import main

ENVIRONMENT = """\
target:
  base_url: http://127.0.0.1:9
variables:
  stage: test
"""

METRIC = """\
externalMetrics:
  - name: Daily_Revenue_Closed
    unit: Currency
    unitDefinition: USD
    precision: 2
    defaultObjectiveType: HigherIsBetter
"""

PROFILE = """\
profiles:
  - name: Sales Agents
    description: Sales floor
    metrics:
      - name: Revenue closed
        externalMetric: Daily_Revenue_Closed
        target: {value: 10000, points: 100}
"""

ACHIEVEMENT = """\
achievements:
  - name: Closer
    completion_type: ONCE
    scope_type: DAILY
    trigger: {metric: Daily_Revenue_Closed, operator: GTE, value: 10000}
    notifications:
      toast: true
      email:
        enabled: true
        subject: "Unlocked: {{ achievement.name }}"
        body: "Hi {{ agent.name }}"
      push:
        enabled: true
        title: "{{ achievement.name }}"
        body: "You earned it"
        deep_link: https://apps.mypurecloud.com/#/x
"""


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


Write = Callable[..., Path]
Env = Callable[..., None]
Run = Callable[..., "Result"]


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """write("dev/x.yaml", text) under tmp_path/environments; returns the file path."""

    def _write(relative: str, text: str | bytes) -> Path:
        path = tmp_path / "environments" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text))
        return path

    return _write


@pytest.fixture
def env(write: Callable[..., Path]) -> Callable[..., None]:
    """A valid environment `name` with the given resource files (defaults: one of each kind)."""

    def _env(
        name: str = "dev", files: dict[str, str] | None = None, settings: str = ENVIRONMENT
    ) -> None:
        write(f"{name}/environment.yaml", settings)
        chosen = (
            files
            if files is not None
            else {
                "metrics.yaml": METRIC,
                "profiles.yaml": PROFILE,
                "achievements.yaml": ACHIEVEMENT,
            }
        )
        for filename, text in chosen.items():
            write(f"{name}/{filename}", text)

    return _env


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    def _run(*args: str) -> Result:
        code = main([*args, "--root", str(tmp_path)])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run
