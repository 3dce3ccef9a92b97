"""What a hostile or clumsy user writes, through the CLI: a located problem, never a traceback."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from reconciler.errors import ExitCode

from .conftest import ACHIEVEMENT, METRIC, PROFILE, Env, Run, Write


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
        ("{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}", "nested too deeply"),
        ("{% if true %}" * 3000 + "{% endif %}" * 3000, "nested too deeply"),
        ("{{ 1" + " + 1" * 50000 + " }}", "nested too deeply"),
        ("{% for a in range(99999) %}x{% endfor %}", "range() of more than 1000 numbers"),
        (
            "{% for a in range(9) %}{% for b in range(9) %}{% endfor %}{% endfor %}",
            "cannot be nested",
        ),
        ("{% for a in range(999) %}{{ 'x' | center(99999) }}{% endfor %}", "renders more than"),
        ("{% macro m() %}x{% endmacro %}{{ m() }}", "{% macro %} is not supported"),
        ("{{ 'x' | center(9999999999) }}", "a filter argument above 100000"),
        ("{{ '%9999999999s' % 'x' }}", "width or precision of six digits or more"),
        ("{{ '{:>9999999999}'.format('x') }}", "width or precision of six digits or more"),
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


def test_a_variable_in_a_name_is_an_error_not_a_traceback(env: Env, run: Run) -> None:
    profile = PROFILE.replace("name: Sales Agents", "name: Sales ${var.stage}")
    env(files={"metrics.yaml": METRIC, "profiles.yaml": profile, "achievements.yaml": ACHIEVEMENT})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST, result.text
    assert "Traceback" not in result.text
    assert (
        "environments/dev/profiles.yaml:2:11: profiles[Sales ${var.stage}].name: a name cannot "
        "contain '${'" in result.text
    )


def test_templates_are_checked_even_when_environment_yaml_is_invalid(env: Env, run: Run) -> None:
    achievement = ACHIEVEMENT.replace('body: "Hi {{ agent.name }}"', 'body: "Hi {{ agent.nmae }}"')
    env(
        files={"metrics.yaml": METRIC, "profiles.yaml": PROFILE, "achievements.yaml": achievement},
        settings="target: {base_url: http://127.0.0.1:9}\nrate_limit_per_minute: 0\n",
    )
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/dev/environment.yaml:2:24: rate_limit_per_minute:" in result.text
    assert "environments/dev/achievements.yaml:11:15: " in result.text
    assert "unknown template variable agent.nmae" in result.text


def test_a_variable_name_that_cannot_be_referenced_is_an_error(env: Env, run: Run) -> None:
    env(settings="target: {base_url: http://127.0.0.1:9}\nvariables:\n  apps-url: x\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/environment.yaml:3:3: variables.apps-url: invalid variable name "
        "'apps-url'" in result.text
    )


def test_a_refused_substituted_value_names_its_reference(env: Env, run: Run) -> None:
    metric = METRIC.replace("precision: 2", "precision: ${var.stage}")
    env(files={"metrics.yaml": metric, "profiles.yaml": PROFILE, "achievements.yaml": ACHIEVEMENT})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    line = next(x for x in result.text.splitlines() if "precision" in x)
    assert line.startswith("environments/dev/metrics.yaml:5:16: externalMetrics[")
    assert line.endswith("(from '${var.stage}')")


def test_anything_named_yaml_that_is_not_a_readable_file_is_an_error(
    env: Env, write: Write, run: Run, tmp_path: Path
) -> None:
    env()
    folder = tmp_path / "environments" / "dev"
    (folder / "dir.yaml").mkdir()
    (folder / "dangling.yaml").symlink_to("nowhere.yaml")
    (folder / "loop.yaml").symlink_to("loop.yaml")
    os.mkfifo(folder / "fifo.yml")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    for expected in (
        "environments/dev/dir.yaml: cannot read file: it is a directory",
        "environments/dev/dangling.yaml: cannot read file: No such file or directory",
        "environments/dev/loop.yaml: cannot read file: Too many levels of symbolic links",
        "environments/dev/fifo.yml: cannot read file: it is not a regular file",
    ):
        assert expected in result.text


def test_control_characters_and_tabs_are_located(env: Env, write: Write, run: Run) -> None:
    env()
    write("dev/nul.yaml", b"profiles:\n  - name: a\x00b\n")
    write("dev/tab.yaml", "externalMetrics:\n\t- name: x\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/dev/nul.yaml:2:12: character U+0000 is not allowed in YAML" in result.text
    assert "environments/dev/tab.yaml:2:1: malformed YAML:" in result.text
    assert "(a tab: YAML indents with spaces only)" in result.text


def test_a_file_holding_only_a_document_marker_is_empty(env: Env, write: Write, run: Run) -> None:
    env()
    write("dev/empty.yaml", "# nothing here yet\n---\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.OK, result.text


def test_extends_that_is_not_text(write: Write, run: Run) -> None:
    write("dev/environment.yaml", "extends: [base]\ntarget: {base_url: http://127.0.0.1:9}\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/environment.yaml:1:10: extends: must be the name of one folder under "
        "environments/ (text), got ['base']" in result.text
    )
    assert "Node object" not in result.text


def test_a_wrong_container_type_says_mapping_or_list_in_plain_words(env: Env, run: Run) -> None:
    achievement = ACHIEVEMENT.replace(
        "    notifications:\n      toast: true\n      email:\n        enabled: true\n"
        '        subject: "Unlocked: {{ achievement.name }}"\n        body: "Hi {{ agent.name }}"\n'
        '      push:\n        enabled: true\n        title: "{{ achievement.name }}"\n'
        '        body: "You earned it"\n        deep_link: https://apps.mypurecloud.com/#/x\n',
        "    notifications:\n",
    )
    profile = PROFILE.replace("    metrics:\n", "    metrics: none\n    unused:\n")
    env(files={"metrics.yaml": METRIC, "profiles.yaml": profile, "achievements.yaml": achievement})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/achievements.yaml:6:19: achievements[Closer].notifications: must be a "
        "mapping, got nothing (an empty value) (keys: toast, email, push)" in result.text
    )
    assert (
        "environments/dev/profiles.yaml:4:14: profiles[Sales Agents].metrics: must be a list, "
        "got 'none'" in result.text
    )
    assert "valid dictionary" not in result.text and "valid tuple" not in result.text


@pytest.mark.parametrize("url", ["ftp://x", "not a url", "http://[::1", "http://localhost:99999"])
def test_a_malformed_base_url_is_located(env: Env, run: Run, url: str) -> None:
    env(settings=f"target:\n  base_url: {json.dumps(url)}\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        f"environments/dev/environment.yaml:2:13: target.base_url: must look like "
        f"https://host[:port], not {url!r}" in result.text
    )


@pytest.mark.parametrize("state", ["/etc/passwd", "../outside.json", "a/../../b.json"])
def test_emulator_state_must_stay_inside_the_project(env: Env, run: Run, state: str) -> None:
    env(settings=f"target:\n  emulator:\n    state: {state}\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/environment.yaml:3:12: target.emulator.state: must be a relative path "
        f"inside the project (e.g. .reconciler/emulator-state.json), not {state!r}" in result.text
    )


def test_schema_in_a_folder_it_cannot_write_is_an_error_not_a_traceback(
    run: Run, tmp_path: Path
) -> None:
    (tmp_path / "schemas" / "resources.json").mkdir(parents=True)
    result = run("schema")
    assert result.code == ExitCode.ERROR
    assert "Traceback" not in result.text
    assert f"cannot write {tmp_path}/schemas/resources.json: Is a directory" in result.err


def test_schema_check_of_a_non_utf8_file_says_out_of_date(run: Run, tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "resources.json").write_bytes(b"\xff\xfe")
    result = run("schema", "--check")
    assert result.code == ExitCode.ERROR
    assert "Traceback" not in result.text
    assert "out of date: resources.json" in result.err


def test_an_invalid_profile_still_gets_its_metric_names_and_references_checked(
    env: Env, run: Run
) -> None:
    profile = PROFILE.replace("description: Sales floor", "description: ''") + (
        "      - name: Revenue closed\n"
        "        externalMetric: Daily_Revenue\n"
        "        target: {value: 1, points: 1}\n"
    )
    env(files={"metrics.yaml": METRIC, "profiles.yaml": profile, "achievements.yaml": ACHIEVEMENT})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/dev/profiles.yaml:3:18: profiles[Sales Agents].description:" in result.text
    assert (
        "environments/dev/profiles.yaml:8:15: profiles[Sales Agents].metrics[Revenue closed].name: "
        "duplicate metric name 'Revenue closed' in this profile" in result.text
    )
    assert (
        "environments/dev/profiles.yaml:9:25: profiles[Sales Agents].metrics[Revenue closed]."
        "externalMetric: external metric 'Daily_Revenue' is not declared in this environment "
        "(did you mean 'Daily_Revenue_Closed'?)" in result.text
    )


def test_error_rules_are_reported_alongside_schema_errors(env: Env, run: Run) -> None:
    metric = METRIC.replace("HigherIsBetter", "TargetArea")
    achievement = ACHIEVEMENT.replace("    scope_type: DAILY\n", "")
    env(files={"metrics.yaml": metric, "profiles.yaml": PROFILE, "achievements.yaml": achievement})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "achievements[Closer].scope_type: scope_type is required" in result.text
    assert (
        "environments/dev/profiles.yaml:7:17: profiles[Sales Agents].metrics[Revenue closed]."
        "target: 'Daily_Revenue_Closed' is a TargetArea metric: declare zones instead [RC004]"
        in result.text
    )


def test_too_many_items_is_said_in_plain_words(env: Env, run: Run) -> None:
    profile = PROFILE.replace(
        "    metrics:\n",
        "    reportingIntervals:\n"
        "      - {intervalType: Day, intervalValue: 30}\n"
        "      - {intervalType: Week, intervalValue: 4}\n"
        "      - {intervalType: Month, intervalValue: 1}\n"
        "    metrics:\n",
    )
    env(files={"metrics.yaml": METRIC, "profiles.yaml": profile, "achievements.yaml": ACHIEVEMENT})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/profiles.yaml:5:7: profiles[Sales Agents].reportingIntervals: "
        "at most 2 item(s) allowed, got 3" in result.text
    )


@pytest.mark.parametrize("value", ['!!int "x"', "!!float abc", "!!bool maybe", "!!int 0o9"])
def test_an_explicit_tag_on_text_it_cannot_describe_is_located(
    env: Env, write: Write, run: Run, value: str
) -> None:
    env()
    write("dev/tagged.yaml", METRIC.replace("precision: 2", f"precision: {value}"))
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "Traceback" not in result.text
    text, tag = value.split(" ")[1].strip('"'), value.split(" ")[0]
    assert f"environments/dev/tagged.yaml:5:16: {text!r} is not a valid {tag}" in result.text


def test_a_name_with_a_tab_or_newline_is_refused_on_one_line(env: Env, run: Run) -> None:
    metric = METRIC.replace("name: Daily_Revenue_Closed", 'name: "Daily\\tRevenue"')
    env(files={"metrics.yaml": metric})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/metrics.yaml:2:11: externalMetrics[Daily\\tRevenue].name: must be one "
        "line of text without control characters (tab, newline …), got 'Daily\\tRevenue'"
        in result.text
    )


def test_a_blank_description_says_blank(env: Env, run: Run) -> None:
    profile = PROFILE.replace("description: Sales floor", 'description: "   "')
    env(files={"metrics.yaml": METRIC, "profiles.yaml": profile})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/profiles.yaml:3:18: profiles[Sales Agents].description: must not be "
        "blank" in result.text
    )


def test_a_utf16_file_says_so(env: Env, write: Write, run: Run) -> None:
    env()
    write("dev/utf16.yaml", "profiles: []\n".encode("utf-16"))
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/utf16.yaml:1:1: file is UTF-16 (byte order mark); save it as UTF-8"
        in result.text
    )


def test_validate_all_does_not_skip_a_folder_with_an_invalid_name(
    env: Env, write: Write, run: Run
) -> None:
    env()
    write("my env/environment.yaml", "target: {base_url: http://127.0.0.1:9}\n")
    write(".drafts/environment.yaml", "target: {base_url: http://127.0.0.1:9}\n")
    result = run("validate", "--all")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments: invalid environment name 'my env'" in result.text
    assert "my env: invalid (1 error(s), 0 warning(s))" in result.text
    assert "drafts" not in result.text


@pytest.mark.parametrize("misnamed", ["environment.yml", "Environment.yaml"])
def test_a_misnamed_environment_file_is_named_in_the_error(
    write: Write, run: Run, misnamed: str
) -> None:
    write(f"dev/{misnamed}", "target: {base_url: http://127.0.0.1:9}\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        f"environments/dev: 'dev' has no environment.yaml (rename {misnamed} to "
        "environment.yaml): it is a resources-only layer" in result.text
    )


def test_resources_written_into_environment_yaml_are_pointed_to_their_own_file(
    write: Write, run: Run
) -> None:
    write("dev/environment.yaml", "target: {base_url: http://127.0.0.1:9}\n" + METRIC)
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/environment.yaml:2:1: externalMetrics: unknown key 'externalMetrics': "
        "resources go in their own files next to environment.yaml" in result.text
    )


def test_an_integer_beyond_int32_is_refused_before_apply(env: Env, run: Run) -> None:
    profile = PROFILE.replace(
        "    metrics:\n", "    maxLeaderboardRankSize: 99999999999999999999\n    metrics:\n"
    )
    env(files={"metrics.yaml": METRIC, "profiles.yaml": profile})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/profiles.yaml:4:29: profiles[Sales Agents].maxLeaderboardRankSize: "
        "Input should be less than or equal to 2147483647" in result.text
    )


def test_a_broken_environment_yaml_does_not_hide_broken_resource_files(
    env: Env, write: Write, run: Run
) -> None:
    env(settings="target: [unclosed\n")
    write("dev/broken.yaml", "profiles:\n  - name: x\n   bad: indent\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/dev/environment.yaml:2:1: malformed YAML" in result.text
    assert "environments/dev/broken.yaml:3:4: malformed YAML" in result.text


def test_a_long_variable_repeated_through_aliases_cannot_exhaust_memory(
    env: Env, write: Write, run: Run
) -> None:
    long = "x" * 1_000_000
    env(settings=f"target: {{base_url: http://127.0.0.1:9}}\nvariables:\n  long: {long}\n")
    refs = ", ".join(["*d"] * 100)
    write(
        "dev/aliases.yaml",
        f'profiles:\n  - name: P\n    description: &d "a ${{var.long}}"\n    x: [{refs}]\n',
    )
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/dev/aliases.yaml:4:" in result.text
    assert "variables expand to more than 20000000 characters in total" in result.text


def test_a_file_name_with_a_newline_still_gives_one_line_per_problem(
    env: Env, write: Write, run: Run
) -> None:
    env()
    write("dev/a\nb.yaml", "x: 1\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/dev/a\\nb.yaml:1:1: x: unknown kind 'x'" in result.text


@pytest.mark.parametrize("zone", ["Europe", "America/", "posix"])
def test_a_time_zone_that_names_a_folder_of_zones_is_located(env: Env, run: Run, zone: str) -> None:
    env(settings=f"target: {{base_url: http://127.0.0.1:9}}\npush:\n  time_zone: {zone}\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST, result.text
    assert (
        f"environments/dev/environment.yaml:3:14: push.time_zone: unknown IANA time zone {zone!r}"
        in result.text
    )


def test_an_achievements_path_without_a_leading_slash_says_so(env: Env, run: Run) -> None:
    env(settings="target: {base_url: http://127.0.0.1:9}\nachievements_path: api/v2/x\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/environment.yaml:2:20: achievements_path: must be a path starting "
        "with '/', got 'api/v2/x'" in result.text
    )


def test_an_enabled_email_with_a_blank_subject_is_refused(env: Env, run: Run) -> None:
    text = ACHIEVEMENT.replace('subject: "Unlocked: {{ achievement.name }}"', 'subject: "   "')
    env(files={"metrics.yaml": METRIC, "profiles.yaml": PROFILE, "achievements.yaml": text})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "achievements[Closer].notifications.email: an enabled email needs both subject and body "
        "(not blank)" in result.text
    )


def test_lipsum_is_not_a_template_global(env: Env, run: Run) -> None:
    env(files=_with_push_body("{{ lipsum(20000, min=500, max=1000) }}"))
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/achievements.yaml:15:15: achievements[Closer].notifications.push.body: "
        "unknown template variable lipsum" in result.text
    )


def test_thousands_of_near_miss_names_do_not_make_validate_quadratic(
    write: Write, run: Run
) -> None:
    count = 2500
    write(
        "base/metrics.yaml",
        "externalMetrics:\n"
        + "".join(
            f"  - {{name: Metric_{n}, unit: Number, precision: 0, "
            "defaultObjectiveType: HigherIsBetter}\n"
            for n in range(count)
        ),
    )
    write("dev/environment.yaml", "extends: base\ntarget: {base_url: http://127.0.0.1:9}\n")
    write(
        "dev/typos.yaml",
        "externalMetrics:\n" + "".join(f"  - {{name: Metrik_{n}}}\n" for n in range(count)),
    )
    started = time.process_time()
    result = run("validate", "-e", "dev")
    elapsed = time.process_time() - started
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "did you mean 'Metric_0'?" in result.text  # hints while the budget lasts
    assert elapsed < 10, f"{elapsed:.1f} s of CPU for {count} misses"


def test_a_yaml_boolean_is_not_a_number(env: Env, run: Run) -> None:
    # YAML reads yes/on/true as booleans and pydantic would take them as 1: precision 1 and a
    # target of 1 point would reach Genesys without a word.
    env(
        files={
            "metrics.yaml": METRIC.replace("precision: 2", "precision: yes"),
            "profiles.yaml": PROFILE.replace("points: 100", "points: on"),
        }
    )
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/metrics.yaml:5:16: externalMetrics[Daily_Revenue_Closed].precision: "
        "must be a number, got the boolean true" in result.text
    )
    assert (
        "profiles[Sales Agents].metrics[Revenue closed].target.points: "
        "must be a number, got the boolean true" in result.text
    )
