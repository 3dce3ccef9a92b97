"""What a hostile or clumsy user writes, through the CLI: a located problem, never a traceback."""

from __future__ import annotations

import json

import pytest

from reconciler.errors import ExitCode

from .conftest import ACHIEVEMENT, METRIC, PROFILE, Env, Run


def _with_push_body(template: str) -> dict[str, str]:
    text = ACHIEVEMENT.replace('body: "You earned it"', f"body: {json.dumps(template)}")
    return {"metrics.yaml": METRIC, "profiles.yaml": PROFILE, "achievements.yaml": text}


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{% include 'other' %}", "{% include %} is not supported"),
        ("{% import 'other' as o %}", "{% import %} is not supported"),
        ("{% from 'other' import x %}", "{% from ... import %} is not supported"),
        ("{% extends 'other' %}", "{% extends %} is not supported"),
        ("{{ agent.name | nofilter }}", "No filter named 'nofilter'"),
        ("{{ agent.name is notatest }}", "No test named 'notatest'"),
        ("{{ 1 / 0 }}", "ZeroDivisionError"),
        ("{{ agent.name | wordwrap(0) }}", "ValueError: invalid width 0"),
        ("{{ achievement.points + 'x' }}", "TypeError"),
        ("{{ agent | attr('__class__') }}", "unsafe"),
        ("{{ 'x' * 1000000000 }}", "repetition builds more than"),
        ("{{ 2 ** 100000 }}", "exponent 100000 is too large"),
    ],
)
def test_hostile_template_is_a_located_error(
    env: Env, run: Run, template: str, message: str
) -> None:
    env(files=_with_push_body(template))
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST, result.text
    assert "Traceback" not in result.text
    line = next(x for x in result.text.splitlines() if "notifications.push.body" in x)
    assert line.startswith("environments/dev/achievements.yaml:15:15: ")
    assert message in line and "[RC006]" in line


def test_preview_renders_points_as_the_number_validate_checked(env: Env, run: Run) -> None:
    env(files=_with_push_body("{{ achievement.points + 1 }} points"))
    assert run("validate", "-e", "dev").code == ExitCode.OK
    result = run("preview", "-e", "dev")
    assert result.code == ExitCode.OK, result.text
    assert "push body: 101 points" in result.out
