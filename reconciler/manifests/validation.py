"""Offline validation of a loaded manifest: lint rules plus notification templates.

`load()` already guarantees the schema, names and references; this adds what needs the whole
desired state (lint) and the template checks. No network: native metric names are checked
against the org at plan time.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Problem
from ..kinds import Kind
from .lint import RULES, lint
from .locate import locate, locate_node
from .manifest import Manifest
from .reader import load_partial
from .templates import check, template_fields


def validate(manifest: Manifest) -> list[Problem]:
    """Every lint finding and template problem, errors and warnings, sorted by location."""
    return sorted([*lint(manifest), *_template_problems(manifest)])


def check_environment(root: Path, env: str) -> list[Problem]:
    """Load and validate `env`: all problems, whether loading failed or not."""
    manifest, problems = load_partial(root, env)
    if manifest is None:
        return sorted(problems)
    if problems:
        # Templates and the error rules (RC0xx) judge each valid object on its own, so they are
        # reported in this run too; warnings (unused metric, same trigger …) need the whole state.
        return sorted({*problems, *errors_of(lint(manifest)), *_template_problems(manifest)})
    return validate(manifest)


def errors_of(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity == "error"]


def _template_problems(manifest: Manifest) -> list[Problem]:
    found: list[Problem] = []
    for achievement in manifest.resources.achievements:
        for path, text in template_fields(achievement):
            for issue in check(text):
                rule = RULES["RC007" if "unknown template variable" in issue.message else "RC006"]
                loc = locate(manifest, Kind.ACHIEVEMENT, achievement.name, path)
                node = locate_node(manifest, Kind.ACHIEVEMENT, achievement.name, path)
                message = issue.message
                if issue.line is not None and node is not None and node.literal:
                    loc = loc._replace(line=loc.line + issue.line - 1)
                elif issue.line is not None and "\n" in text.rstrip("\n"):
                    message = f"{message} (template line {issue.line})"
                found.append(
                    Problem(
                        loc.file,
                        loc.line,
                        loc.column,
                        f"achievements[{achievement.name}].{'.'.join(path)}",
                        message,
                        rule.severity,
                        rule.id,
                    )
                )
    return found
