"""`reconciler preview` renders each enabled channel for the sample agent."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.errors import ExitCode

from .conftest import ACHIEVEMENT, METRIC, PROFILE, Env, Run

REPO = Path(__file__).resolve().parents[2]


def test_preview_of_the_shipped_fcr_achievement(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "preview",
            "-e",
            "local",
            "--achievement",
            "First Contact Resolution Master",
            "--root",
            str(REPO),
        ]
    )
    out = capsys.readouterr().out
    assert code == ExitCode.OK
    assert "== First Contact Resolution Master ==" in out
    assert "email subject: Achievement Unlocked: First Contact Resolution Master" in out
    assert "    Hi Jordan Rivera," in out
    assert "with 100 points." in out
    assert "push deep_link: https://apps.mypurecloud.com/#/performance/achievements" in out
    assert "Revenue Rockstar" not in out


def test_disabled_channels_are_not_rendered(env: Env, run: Run) -> None:
    text = ACHIEVEMENT.replace(
        "      email:\n        enabled: true", "      email:\n        enabled: false"
    )
    env(files={"metrics.yaml": METRIC, "profiles.yaml": PROFILE, "achievements.yaml": text})
    result = run("preview", "-e", "dev")
    assert result.code == ExitCode.OK
    assert "email" not in result.out
    assert "push title: Closer" in result.out


def test_unknown_achievement_is_a_usage_error(env: Env, run: Run) -> None:
    env()
    result = run("preview", "-e", "dev", "--achievement", "Closr")
    assert result.code == ExitCode.USAGE
    assert "no achievement 'Closr' in dev (did you mean 'Closer'?)" in result.err


def test_invalid_templates_refuse_preview(env: Env, run: Run) -> None:
    text = ACHIEVEMENT.replace("{{ agent.name }}", "{{ agent.nmae }}")
    env(files={"metrics.yaml": METRIC, "profiles.yaml": PROFILE, "achievements.yaml": text})
    result = run("preview", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/dev/achievements.yaml:11:15:" in result.err
