"""Report files for GitLab: the MR widget's Terraform report, JUnit XML and a Markdown note.

Pure functions from a `Plan` (plan/drift) or a list of `Problem`s (validate) to text, plus the
click decorator and the one call a command needs to write them on request:

    @report_options                         # --report-terraform/--report-junit/--report-markdown
    def command(..., reports: ReportPaths):
        ...
        write_reports(plan, reports, env=env, kind="plan")

Formats, as GitLab parses them:
- Terraform report (`artifacts:reports:terraform`): a JSON object with integer `create`,
  `update`, `delete` (GitLab's parser rejects a missing key or a non-number). GitLab's own recipe
  counts a Terraform replace once in create and once in delete; we do the same, and count a
  deactivation as a delete (the object stops being live).
- JUnit (`artifacts:reports:junit`): `<testsuites><testsuite><testcase classname name file>` with
  `<failure>` / `<error>` / `<system-out>`. GitLab keeps only the first of duplicate test names,
  so every name is made unique.
- Markdown: `render.markdown` / `render.drift_markdown` (what the terminal shows, as a table)
  behind a hidden marker `<!-- reconciler:ENV:KIND -->` so `reconciler note`
  updates its own note instead of adding one per push.
"""

from __future__ import annotations

import functools
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import click

from ..errors import ConfigurationError, Problem
from ..reconcile.plan import Action, Op, Plan
from . import render

ReportKind = Literal["plan", "drift", "validate", "apply"]

F = TypeVar("F", bound=Callable[..., Any])

MARKER_PREFIX = "<!-- reconciler:"


# --- Terraform report -------------------------------------------------------------------------


def terraform_report(plan: Plan) -> dict[str, int]:
    """GitLab's MR-widget counts: replace counts in create AND delete, deactivate as delete.

    A plan with blocked objects also carries `blocked`: GitLab reads only the three counts
    (its widget cannot show more), so the key is there for whoever reads the artifact, and
    only when non-zero so a clean report keeps exactly the keys every GitLab accepts.
    """
    counts = plan.counts()
    report = {
        "create": counts[Op.CREATE] + counts[Op.REPLACE],
        "update": counts[Op.UPDATE],
        "delete": counts[Op.DEACTIVATE] + counts[Op.REPLACE],
    }
    if counts[Op.BLOCKED]:
        report["blocked"] = counts[Op.BLOCKED]
    return report


# --- JUnit ------------------------------------------------------------------------------------


class _Suite:
    """One `<testsuite>` being built; keeps test names unique because GitLab drops duplicates."""

    def __init__(self, name: str) -> None:
        self.element = ET.Element("testsuite", name=name)
        self.tests = self.failures = self.errors = 0
        self._names: set[str] = set()

    def case(
        self,
        classname: str,
        name: str,
        *,
        file: str | None = None,
        failure: tuple[str, str] | None = None,
        error: tuple[str, str] | None = None,
        output: str | None = None,
    ) -> None:
        unique, n = name, 2
        while unique in self._names:
            unique, n = f"{name} #{n}", n + 1
        self._names.add(unique)
        attrs = {"classname": classname, "name": unique, "time": "0"}
        if file:
            attrs["file"] = file
        case = ET.SubElement(self.element, "testcase", attrs)
        self.tests += 1
        if failure is not None:
            ET.SubElement(case, "failure", message=failure[0], type="failure").text = failure[1]
            self.failures += 1
        if error is not None:
            ET.SubElement(case, "error", message=error[0], type="error").text = error[1]
            self.errors += 1
        if output:
            ET.SubElement(case, "system-out").text = output

    def to_xml(self) -> str:
        root = ET.Element("testsuites", name="reconciler")
        for element, attrs in ((root, {}), (self.element, {"skipped": "0", "time": "0"})):
            element.set("tests", str(self.tests))
            element.set("failures", str(self.failures))
            element.set("errors", str(self.errors))
            for key, value in attrs.items():
                element.set(key, value)
        root.append(self.element)
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _file_of(action: Action) -> str | None:
    # `source` is "file:line"; GitLab's `file` attribute wants just the path.
    return action.source.rsplit(":", 1)[0] if action.source else None


def _describe(action: Action, labels: tuple[str, str] = ("", "")) -> str:
    """The object's story; `labels` name the two sides of a change (drift: live, manifest)."""
    before, after = (f"{label} " if label else "" for label in labels)
    lines = [f"{action.op.value} {action.address}"]
    if action.source:
        lines.append(f"declared at {action.source}")
    if action.live_id:
        lines.append(f"live id {action.live_id}")
    if action.reason:
        lines.append(f"reason: {action.reason}")
    for change in action.changes:
        lines.append(
            f"  {change.path}: {before}{json.dumps(change.before, default=str)} -> "
            f"{after}{json.dumps(change.after, default=str)}"
        )
    return "\n".join(lines)


def _summary(action: Action) -> str:
    if action.reason:
        return f"{action.op.value}: {action.reason}"
    if action.changes:
        fields = ", ".join(change.path for change in action.changes)
        return f"{action.op.value}: {fields}"
    return action.op.value


def junit_plan(plan: Plan) -> str:
    """One test case per object; a blocked object (cannot be applied) is the only failure."""
    suite = _Suite(f"reconciler plan {plan.environment}")
    for action in plan.actions:
        blocked = action.op is Op.BLOCKED
        suite.case(
            action.kind.value,
            action.name,
            file=_file_of(action),
            failure=(_summary(action), _describe(action)) if blocked else None,
            output=None if blocked or action.op is Op.NOOP else _describe(action),
        )
    return suite.to_xml()


def junit_drift(plan: Plan) -> str:
    """One test case per object; drifted and unmanaged objects fail, blocked ones are errors.

    What counts as drift is `render`'s definition (the same as `reconciler drift` prints), so
    a protected unmanaged object passes.
    """
    suite = _Suite(f"reconciler drift {plan.environment}")
    drifted = {id(a) for a in render.drift_changed(plan) + render.drift_unmanaged(plan)}
    blocked = {id(a) for a in render.drift_blocked(plan)}
    for action in plan.actions:
        detail = (_summary(action), _describe(action, render.DRIFT_LABELS))
        suite.case(
            action.kind.value,
            action.name,
            file=_file_of(action),
            failure=detail if id(action) in drifted else None,
            error=detail if id(action) in blocked else None,
            output=action.reason
            if action.op is Op.UNMANAGED and id(action) not in drifted
            else None,
        )
    return suite.to_xml()


def junit_problems(problems: Iterable[Problem], *, environment: str = "") -> str:
    """One test case per problem: errors fail, warnings pass with their text as system-out.

    Names are file, field and rule, never line:col: GitLab tracks a test by name, so an error
    that moves (a line added above it) stays the same failure, not a fixed one plus a new one.
    The location is in the failure text. With no problem at all there is one passing case, so
    the test report is never empty.
    """
    suite = _Suite(f"reconciler validate {environment}".strip())
    found = False
    for problem in problems:
        found = True
        name = f"{problem.file} {problem.path}".strip() if problem.path else problem.file
        if problem.rule:
            name += f" [{problem.rule}]"
        if problem.severity == "error":
            suite.case(
                problem.file, name, file=problem.file, failure=(problem.message, str(problem))
            )
        else:
            suite.case(problem.file, name, file=problem.file, output=str(problem))
    if not found:
        suite.case("manifests", f"{environment or 'all environments'} valid")
    return suite.to_xml()


# --- Markdown ---------------------------------------------------------------------------------


def marker(env: str, kind: str) -> str:
    """The hidden HTML comment that identifies our note for one environment and report kind."""
    return f"{MARKER_PREFIX}{env}:{kind} -->"


def markdown_note(text: str, note_marker: str) -> str:
    """`text` with the hidden marker on its first line (once)."""
    if text.startswith(note_marker):
        return text
    return f"{note_marker}\n{text.rstrip()}\n"


def _cell(text: object) -> str:
    # Keep a table cell on one line and its pipes from ending the cell early.
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_problems(problems: Sequence[Problem], *, environment: str = "") -> str:
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    scope = f": `{environment}`" if environment else ""
    lines = [f"### reconciler validate{scope}", ""]
    if not problems:
        lines.append("**Manifests are valid.**")
    else:
        lines += [f"**{len(errors)} error(s), {len(warnings)} warning(s).**", ""]
        lines += ["| | where | field | message |", "|---|---|---|---|"]
        for problem in problems:
            lines.append(
                f"| {problem.severity} | `{_cell(problem.location())}` | {_cell(problem.path)} | "
                f"{_cell(problem.message)} |"
            )
    return "\n".join(lines).rstrip() + "\n"


# --- CLI glue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPaths:
    """Where to write each report; None means "not asked for"."""

    terraform: Path | None = None
    junit: Path | None = None
    markdown: Path | None = None

    def __bool__(self) -> bool:
        return any((self.terraform, self.junit, self.markdown))


_PATH = click.Path(dir_okay=False, path_type=Path)


def report_options(func: F) -> F:
    """Add `--report-terraform/--report-junit/--report-markdown PATH` as one `reports` argument."""

    @functools.wraps(func)
    def wrapper(
        *args: Any,
        report_terraform: Path | None,
        report_junit: Path | None,
        report_markdown: Path | None,
        **kwargs: Any,
    ) -> Any:
        kwargs["reports"] = ReportPaths(report_terraform, report_junit, report_markdown)
        return func(*args, **kwargs)

    for flag, text in (
        ("--report-markdown", "Write a Markdown summary (for a merge-request note) to PATH."),
        ("--report-junit", "Write a JUnit XML report (GitLab test report) to PATH."),
        ("--report-terraform", "Write GitLab's Terraform report JSON (MR widget) to PATH."),
    ):
        wrapper = click.option(flag, type=_PATH, default=None, metavar="PATH", help=text)(wrapper)
    return wrapper  # type: ignore[return-value]


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ConfigurationError(f"cannot write report {path}: {error.strerror}") from error


def write_reports(
    subject: Plan | Sequence[Problem],
    reports: ReportPaths,
    *,
    env: str,
    kind: ReportKind,
) -> None:
    """Write the reports asked for; for problems the Terraform report is all zeros."""
    if not reports:
        return
    if isinstance(subject, Plan):
        tf = terraform_report(subject)
        junit = junit_drift(subject) if kind == "drift" else junit_plan(subject)
        text = render.drift_markdown(subject) if kind == "drift" else render.markdown(subject)
    else:
        problems = list(subject)
        tf = {"create": 0, "update": 0, "delete": 0}
        junit = junit_problems(problems, environment=env)
        text = markdown_problems(problems, environment=env)
    if reports.terraform:
        _write(reports.terraform, json.dumps(tf) + "\n")
    if reports.junit:
        _write(reports.junit, junit)
    if reports.markdown:
        _write(reports.markdown, markdown_note(text, marker(env, kind)))
