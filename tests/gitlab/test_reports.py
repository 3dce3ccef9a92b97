"""Report files: shapes GitLab's parsers accept, and counts that match the plan."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import click
import pytest

from reconciler.cli import cli, main
from reconciler.errors import ConfigurationError, Problem
from reconciler.kinds import Kind
from reconciler.output.reports import (
    ReportPaths,
    junit_drift,
    junit_plan,
    junit_problems,
    markdown_note,
    marker,
    report_options,
    terraform_report,
    write_reports,
)
from reconciler.reconcile.plan import Action, FieldChange, Op, Plan


def _action(op: Op, name: str, kind: Kind = Kind.EXTERNAL_METRIC, **extra: object) -> Action:
    return Action(op=op, kind=kind, name=name, **extra)


PLAN = Plan(
    environment="dev",
    actions=(
        _action(Op.CREATE, "Revenue", source="environments/dev/metrics.yaml:3"),
        _action(Op.CREATE, "Calls"),
        _action(
            Op.UPDATE,
            "Sales | Floor",
            kind=Kind.PROFILE,
            changes=(FieldChange(path="description", before="a", after="b"),),
        ),
        _action(Op.REPLACE, "Sales/Revenue", kind=Kind.PROFILE_METRIC, reason="unit changed"),
        _action(Op.DEACTIVATE, "Old", kind=Kind.PROFILE),
        _action(Op.NOOP, "Default Performance Profile", kind=Kind.PROFILE),
        _action(Op.UNMANAGED, "Someone's metric"),
        _action(Op.UNMANAGED, "Kept", reason="protected by policy"),
        _action(Op.BLOCKED, "Ambiguous", reason="two live objects named Ambiguous"),
    ),
)


def _gitlab_tfplan_parse(text: str) -> dict[str, int]:
    """What GitLab's tfplan parser checks: JSON object, the three keys, 1-6 digit counts."""
    data = json.loads(text)
    assert isinstance(data, dict)
    out = {}
    for key in ("create", "update", "delete"):
        value = data[key]
        assert isinstance(value, int) and not isinstance(value, bool)
        assert 0 <= value <= 999_999
        out[key] = value
    return out


def test_terraform_report_counts_replace_in_create_and_delete_and_deactivate_as_delete() -> None:
    # PLAN holds one blocked object: the report says so next to GitLab's three counts.
    assert terraform_report(PLAN) == {"create": 3, "update": 1, "delete": 2, "blocked": 1}


def test_terraform_report_without_blocked_objects_has_exactly_gitlabs_keys() -> None:
    plan = Plan(environment="dev", actions=tuple(a for a in PLAN.actions if a.op is not Op.BLOCKED))
    assert terraform_report(plan) == {"create": 3, "update": 1, "delete": 2}


def test_terraform_report_of_empty_plan_is_all_zero() -> None:
    assert terraform_report(Plan(environment="dev")) == {"create": 0, "update": 0, "delete": 0}


def _suite(xml: str) -> tuple[ET.Element, ET.Element]:
    root = ET.fromstring(xml)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    return root, suites[0]


def test_junit_plan_one_case_per_object_blocked_fails() -> None:
    root, suite = _suite(junit_plan(PLAN))
    cases = suite.findall("testcase")
    assert len(cases) == len(PLAN.actions) == int(suite.get("tests", ""))
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["Ambiguous"]
    assert suite.get("failures") == root.get("failures") == "1"
    revenue = cases[0]
    assert revenue.get("classname") == "externalMetric"
    assert revenue.get("file") == "environments/dev/metrics.yaml"
    assert "create externalMetric.Revenue" in (revenue.findtext("system-out") or "")


def test_junit_drift_marks_every_drifted_object_as_failure() -> None:
    _, suite = _suite(junit_drift(PLAN))
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    failed = {name for name, c in cases.items() if c.find("failure") is not None}
    assert failed == {
        "Revenue",
        "Calls",
        "Sales | Floor",
        "Sales/Revenue",
        "Old",
        "Someone's metric",
    }
    assert cases["Ambiguous"].find("error") is not None
    assert cases["Default Performance Profile"].find("failure") is None
    assert cases["Kept"].find("failure") is None  # protected objects are expected, not drift
    assert suite.get("failures") == "6" and suite.get("errors") == "1"
    message = cases["Sales | Floor"].find("failure")
    assert message is not None and "description" in (message.text or "")


def test_junit_problems_errors_fail_warnings_pass_with_output() -> None:
    problems = [
        Problem("environments/dev/a.yaml", 4, 7, "profiles[0].name", "required", "error"),
        Problem("environments/dev/a.yaml", 4, 7, "profiles[0].name", "required", "error"),
        Problem("environments/dev/b.yaml", None, None, "", "unused metric", "warning", "unused"),
    ]
    _, suite = _suite(junit_problems(problems, environment="dev"))
    cases = suite.findall("testcase")
    assert len(cases) == 3
    names = [c.get("name") for c in cases]
    assert len(set(names)) == 3, "GitLab drops duplicate names, so they must be unique"
    assert [c.find("failure") is not None for c in cases] == [True, True, False]
    assert "unused metric" in (cases[2].findtext("system-out") or "")
    assert suite.get("failures") == "2"


def test_junit_problems_without_problems_is_one_passing_case() -> None:
    _, suite = _suite(junit_problems([], environment="dev"))
    assert suite.get("tests") == "1" and suite.get("failures") == "0"


def test_junit_escapes_hostile_names() -> None:
    plan = Plan(environment="dev", actions=(_action(Op.BLOCKED, '<x>&"]]>', reason="a < b"),))
    _, suite = _suite(junit_plan(plan))
    assert suite.findall("testcase")[0].get("name") == '<x>&"]]>'


def test_markdown_report_is_the_rendered_plan_behind_the_marker(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    write_reports(PLAN, ReportPaths(markdown=path), env="dev", kind="plan")
    text = path.read_text()
    assert text.startswith("<!-- reconciler:dev:plan -->\n")
    assert markdown_note(text, marker("dev", "plan")) == text
    assert "2 to create, 1 to update, 1 to replace, 0 to delete, 1 to deactivate" in text
    assert "Sales \\| Floor" in text  # a pipe in a name does not break the table


def test_markdown_drift_report(tmp_path: Path) -> None:
    path = tmp_path / "drift.md"
    write_reports(Plan(environment="prod"), ReportPaths(markdown=path), env="prod", kind="drift")
    text = path.read_text()
    assert text.startswith(marker("prod", "drift")) and "No drift" in text


def test_write_reports_writes_only_what_was_asked(tmp_path: Path) -> None:
    reports = ReportPaths(terraform=tmp_path / "a" / "tf.json", markdown=tmp_path / "n.md")
    write_reports(PLAN, reports, env="dev", kind="plan")
    written = (tmp_path / "a" / "tf.json").read_text()
    assert _gitlab_tfplan_parse(written) == {"create": 3, "update": 1, "delete": 2}
    assert json.loads(written) == terraform_report(PLAN)
    assert (tmp_path / "n.md").read_text().startswith(marker("dev", "plan"))
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["n.md", "tf.json"]


def test_write_reports_for_problems(tmp_path: Path) -> None:
    problem = Problem("environments/dev/a.yaml", 1, 1, "x", "bad", "error")
    reports = ReportPaths(tmp_path / "tf.json", tmp_path / "j.xml", tmp_path / "n.md")
    write_reports([problem], reports, env="dev", kind="validate")
    assert _gitlab_tfplan_parse((tmp_path / "tf.json").read_text()) == {
        "create": 0,
        "update": 0,
        "delete": 0,
    }
    _, suite = _suite((tmp_path / "j.xml").read_text())
    assert suite.get("failures") == "1"
    assert "<!-- reconciler:dev:validate -->" in (tmp_path / "n.md").read_text()


def test_report_options_decorator_through_the_cli(tmp_path: Path) -> None:
    seen: list[ReportPaths] = []

    @click.command("report-probe")
    @report_options
    def probe(reports: ReportPaths) -> int:
        seen.append(reports)
        write_reports(PLAN, reports, env="dev", kind="drift")
        return 0

    cli.add_command(probe)
    try:
        junit = tmp_path / "junit.xml"
        assert main(["report-probe", "--report-junit", str(junit)]) == 0
    finally:
        cli.commands.pop("report-probe")
    assert seen == [ReportPaths(junit=junit)]
    assert _suite(junit.read_text())[1].get("failures") == "6"


def test_unwritable_report_path_is_a_clean_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigurationError, match="cannot write report"):
        write_reports(PLAN, ReportPaths(junit=blocker / "x.xml"), env="dev", kind="plan")


def _project(tmp_path: Path, environment_yaml: str, resources: str) -> Path:
    env = tmp_path / "environments" / "ci"
    env.mkdir(parents=True)
    (env / "environment.yaml").write_text(environment_yaml)
    (env / "metrics.yaml").write_text(resources)
    return tmp_path


METRIC = """externalMetrics:
  - name: Revenue
    unit: Currency
    unitDefinition: USD
    precision: 2
    defaultObjectiveType: HigherIsBetter
"""


def test_validate_command_reports_problems_as_failing_tests(tmp_path: Path) -> None:
    root = _project(tmp_path, "target: {emulator: {}}\n", METRIC.replace("Currency", "Dollars"))
    junit, note = tmp_path / "r" / "v.xml", tmp_path / "r" / "v.md"
    argv = ["validate", "--root", str(root), "-e", "ci", "--report-junit", str(junit)]
    assert main([*argv, "--report-markdown", str(note)]) == 3
    _, suite = _suite(junit.read_text())
    failures = [c for c in suite.findall("testcase") if c.find("failure") is not None]
    assert failures and all(c.get("file", "").endswith("metrics.yaml") for c in failures)
    assert note.read_text().startswith(marker("ci", "validate"))


def test_plan_and_drift_commands_write_reports(tmp_path: Path) -> None:
    root = _project(tmp_path, "target: {emulator: {state: state.json}}\n", METRIC)
    tf, junit = tmp_path / "r" / "tf.json", tmp_path / "r" / "plan.xml"
    argv = ["plan", "--root", str(root), "-e", "ci", "--detailed-exitcode"]
    assert main([*argv, "--report-terraform", str(tf), "--report-junit", str(junit)]) == 2
    assert _gitlab_tfplan_parse(tf.read_text()) == {"create": 1, "update": 0, "delete": 0}
    names = [c.get("name") for c in _suite(junit.read_text())[1].findall("testcase")]
    assert "Revenue" in names
    drift = tmp_path / "r" / "drift.xml"
    assert main(["drift", "--root", str(root), "-e", "ci", "--report-junit", str(drift)]) == 2
    _, suite = _suite(drift.read_text())
    failed = [c.get("name") for c in suite.findall("testcase") if c.find("failure") is not None]
    assert "Revenue" in failed  # declared, missing live
