"""Every refusal of issue 2, fed as a real file through the CLI: message, location, exit 3."""

from __future__ import annotations

import json

from reconciler.errors import ExitCode
from reconciler.manifests.yamlsource import MAX_FILE_BYTES

from .conftest import ACHIEVEMENT, METRIC, PROFILE, Env, Run, Write


def test_malformed_yaml(env: Env, write: Write, run: Run) -> None:
    env()
    write("dev/broken.yaml", "profiles:\n  - name: [unclosed\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/dev/broken.yaml:3:1: malformed YAML" in result.text
    assert "Traceback" not in result.text


def test_duplicate_key_is_an_error_not_last_one_wins(env: Env, write: Write, run: Run) -> None:
    env()
    write(
        "dev/dup.yaml",
        """\
        externalMetrics:
          - name: Deals
            unit: Number
            precision: 0
            precision: 1
            defaultObjectiveType: HigherIsBetter
        """,
    )
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/dev/dup.yaml:5:5: duplicate key 'precision' (first defined at line 4)" in (
        result.text
    )


def test_non_mapping_document(env: Env, write: Write, run: Run) -> None:
    env()
    write("dev/list.yaml", "- name: x\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/list.yaml:1:1: the document is a list; a manifest file must be a mapping"
        in result.text
    )


def test_alias_bomb_is_refused(env: Env, write: Write, run: Run) -> None:
    env()
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    write("dev/bomb.yaml", "\n".join(lines) + "\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/dev/bomb.yaml:" in result.text
    assert "alias bomb" in result.text


def test_oversized_file_is_refused_before_parsing(env: Env, write: Write, run: Run) -> None:
    env()
    write("dev/huge.yaml", b"#" * (MAX_FILE_BYTES + 1))
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        f"environments/dev/huge.yaml: file is {MAX_FILE_BYTES + 1} bytes; manifests are capped"
        in result.text
    )


def test_unknown_kind_with_suggestion(env: Env, write: Write, run: Run) -> None:
    env()
    write("dev/kind.yaml", "profile:\n  - name: x\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/dev/kind.yaml:1:1: profile: unknown kind 'profile'" in result.text
    assert "(did you mean 'profiles'?)" in result.text


def test_wrong_types_are_located_at_the_value(env: Env, write: Write, run: Run) -> None:
    env(files={"metrics.yaml": METRIC.replace("precision: 2", "precision: two")})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/metrics.yaml:5:16: externalMetrics[Daily_Revenue_Closed].precision: "
        "Input should be a valid integer" in result.text
    )


def test_python_tags_are_refused(env: Env, write: Write, run: Run) -> None:
    env()
    write("dev/evil.yaml", "profiles: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/evil.yaml:1:11: tag !!python/object/apply:os.system is not allowed"
        in result.text
    )


def test_custom_tags_are_refused(env: Env, write: Write, run: Run) -> None:
    env()
    write("dev/tag.yaml", "profiles:\n  - !secret {name: x}\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/dev/tag.yaml:2:5: tag !secret is not allowed" in result.text


def test_missing_environment(env: Env, run: Run) -> None:
    env("dev")
    result = run("validate", "-e", "dve")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/dve: no such environment 'dve' (did you mean 'dev'?)" in result.text


def test_extends_cycle(write: Write, run: Run) -> None:
    write("a/environment.yaml", "extends: b\ntarget: {region: us-east-1}\n")
    write("b/environment.yaml", "extends: a\ntarget: {region: us-east-1}\n")
    result = run("validate", "-e", "a")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/b/environment.yaml:1:10: extends: extends cycle: a -> b -> a" in result.text
    )


def test_extends_missing_base(write: Write, run: Run) -> None:
    write("a/environment.yaml", "extends: bsae\ntarget: {region: us-east-1}\n")
    write("base/x.yaml", METRIC)
    result = run("validate", "-e", "a")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/a/environment.yaml:1:10: extends: no such base 'bsae'" in result.text


def test_environment_name_with_path_separators(env: Env, run: Run) -> None:
    env()
    for name in ("../dev", "dev/../dev", "/etc", "a\\b"):
        result = run("validate", "-e", name)
        assert result.code == ExitCode.INVALID_MANIFEST, name
        assert f"invalid environment name {name!r}" in result.text
        assert "no path separators" in result.text


def test_extends_with_path_separators(write: Write, run: Run) -> None:
    write("a/environment.yaml", "extends: ../../etc\ntarget: {region: us-east-1}\n")
    result = run("validate", "-e", "a")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/a/environment.yaml:1:10: extends: invalid base name '../../etc'"
        in result.text
    )


def test_unknown_key_with_did_you_mean(env: Env, write: Write, run: Run) -> None:
    env(files={"metrics.yaml": METRIC.replace("unitDefinition", "unitDef")})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/metrics.yaml:4:5: externalMetrics[Daily_Revenue_Closed].unitDef: "
        "unknown key 'unitDef' (did you mean 'unitDefinition'?)" in result.text
    )


def test_unknown_key_in_environment_yaml(write: Write, run: Run) -> None:
    write("dev/environment.yaml", "target: {region: us-east-1}\npolicy:\n  allow_removal: true\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/environment.yaml:3:3: policy.allow_removal: unknown key "
        "'allow_removal' (did you mean 'allow_removals'?)" in result.text
    )


def test_achievement_without_scope_type_or_a_channel_is_refused(env: Env, run: Run) -> None:
    text = ACHIEVEMENT.replace("    scope_type: DAILY\n", "").replace("      toast: true\n", "")
    env(files={"metrics.yaml": METRIC, "profiles.yaml": PROFILE, "achievements.yaml": text})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/achievements.yaml:2:5: achievements[Closer].scope_type: scope_type is "
        "required" in result.text
    )
    assert (
        "environments/dev/achievements.yaml:6:7: achievements[Closer].notifications.toast: toast "
        "is "
        "required: every notification channel (toast, email, push) must be explicit" in result.text
    )


def test_enabled_email_needs_subject_and_push_needs_title(env: Env, run: Run) -> None:
    text = ACHIEVEMENT.replace('        subject: "Unlocked: {{ achievement.name }}"\n', "").replace(
        '        title: "{{ achievement.name }}"\n', ""
    )
    env(files={"metrics.yaml": METRIC, "profiles.yaml": PROFILE, "achievements.yaml": text})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "achievements[Closer].notifications.email: an enabled email needs both subject and body"
        in result.text
    )
    assert (
        "achievements[Closer].notifications.push: an enabled push needs both title and body"
        in result.text
    )


def test_reference_to_undeclared_external_metric(env: Env, run: Run) -> None:
    env(
        files={
            "profiles.yaml": PROFILE.replace(
                "externalMetric: Daily_Revenue_Closed", "externalMetric: Daily_Revenue"
            ),
            "metrics.yaml": METRIC,
        }
    )
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/profiles.yaml:6:25: profiles[Sales Agents].metrics[Revenue "
        "closed].externalMetric: "
        "external metric 'Daily_Revenue' is not declared in this environment "
        "(did you mean 'Daily_Revenue_Closed'?)" in result.text
    )


def test_trigger_naming_a_near_miss_of_a_declared_external_metric(env: Env, run: Run) -> None:
    text = ACHIEVEMENT.replace("metric: Daily_Revenue_Closed", "metric: Daily_Revenue_Close")
    env(files={"metrics.yaml": METRIC, "profiles.yaml": PROFILE, "achievements.yaml": text})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "achievements[Closer].trigger.metric: external metric 'Daily_Revenue_Close' is not declared"
        in result.text
    )


def test_non_integer_target(env: Env, run: Run) -> None:
    env(
        files={
            "metrics.yaml": METRIC,
            "profiles.yaml": PROFILE.replace("value: 10000", "value: 10000.5"),
        }
    )
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/profiles.yaml:7:25: profiles[Sales Agents].metrics[Revenue "
        "closed].target.value: "
        "must be an integer, got 10000.5" in result.text
    )
    assert "[RC002]" in result.text


def test_non_utf8_file(env: Env, write: Write, run: Run) -> None:
    env()
    write("dev/latin1.yaml", "profiles:\n  - name: Caf\xe9\n".encode("latin-1"))
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/dev/latin1.yaml:2:14: file is not valid UTF-8 (byte 0xe9)" in result.text


def test_deep_nesting_is_refused(env: Env, write: Write, run: Run) -> None:
    env()
    write("dev/deep.yaml", "profiles: " + "[" * 200 + "]" * 200 + "\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/dev/deep.yaml:1:" in result.text
    assert "nesting deeper than 64 levels" in result.text


def test_duplicate_names_within_an_environment(env: Env, write: Write, run: Run) -> None:
    env()
    write("dev/more.yaml", METRIC)
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/more.yaml:2:11: externalMetrics[Daily_Revenue_Closed].name: duplicate "
        "name "
        "'Daily_Revenue_Closed': already declared at environments/dev/metrics.yaml:2" in result.text
    )


def test_unknown_variable_with_did_you_mean(env: Env, run: Run) -> None:
    env(
        files={
            "metrics.yaml": METRIC,
            "profiles.yaml": PROFILE.replace(
                "description: Sales floor", "description: ${var.stag}"
            ),
        }
    )
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/profiles.yaml:3:18: profiles[Sales Agents].description: unknown variable "
        "'stag' (did you mean 'stage'?)" in result.text
    )


def test_template_syntax_error_and_unknown_variable(env: Env, run: Run) -> None:
    text = ACHIEVEMENT.replace(
        'body: "Hi {{ agent.name }}"', 'body: "Hi {{ agent.nmae }}"'
    ).replace('title: "{{ achievement.name }}"', 'title: "{{ achievement.name "')
    env(files={"metrics.yaml": METRIC, "profiles.yaml": PROFILE, "achievements.yaml": text})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/achievements.yaml:11:15: achievements[Closer].notifications.email.body: "
        "unknown template variable agent.nmae (did you mean agent.name?)" in result.text
    )
    assert (
        "environments/dev/achievements.yaml:14:16: "
        "achievements[Closer].notifications.push.title: template syntax error" in result.text
    )
    assert "[RC006]" in result.text and "[RC007]" in result.text


def test_sandbox_refuses_python_internals(env: Env, run: Run) -> None:
    text = ACHIEVEMENT.replace(
        'body: "You earned it"', 'body: "{{ achievement.name.__class__.__mro__ }}"'
    )
    env(files={"metrics.yaml": METRIC, "profiles.yaml": PROFILE, "achievements.yaml": text})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "notifications.push.body: template error: access to attribute '__class__'" in result.text


def test_every_problem_in_one_run(env: Env, write: Write, run: Run) -> None:
    env(
        files={
            "metrics.yaml": METRIC.replace("unit: Currency", "unit: Dollars"),
            "profiles.yaml": PROFILE,
        }
    )
    write("dev/broken.yaml", "a: 1\na: 2\n")
    write("dev/kind.yaml", "profile: []\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "metrics.yaml:3:11" in result.text
    assert "broken.yaml:2:1: duplicate key 'a'" in result.text
    assert "kind.yaml:1:1: profile: unknown kind" in result.text


def test_json_format_gives_the_same_problems_as_data(env: Env, write: Write, run: Run) -> None:
    env()
    write("dev/kind.yaml", "profile: []\n")
    result = run("validate", "-e", "dev", "--format", "json")
    assert result.code == ExitCode.INVALID_MANIFEST
    document = json.loads(result.out)
    assert document["valid"] is False
    assert document["environments"] == {"dev": {"errors": 1, "warnings": 0}}
    [problem] = document["problems"]
    assert problem == {
        "file": "environments/dev/kind.yaml",
        "line": 1,
        "column": 1,
        "path": "profile",
        "message": "unknown kind 'profile'; a resource file holds externalMetrics, profiles, "
        "achievements (did you mean 'profiles'?)",
        "severity": "error",
        "rule": None,
        "environments": ["dev"],
    }


def test_errors_stop_plan_before_any_network(env: Env, write: Write, run: Run) -> None:
    # base_url points at a closed port: exit 3 proves the manifest was refused first.
    env()
    write("dev/kind.yaml", "profile: []\n")
    result = run("plan", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "kind.yaml:1:1: profile: unknown kind" in result.err


def test_template_problems_are_reported_even_when_another_object_fails(env: Env, run: Run) -> None:
    text = ACHIEVEMENT.replace("{{ agent.name }}", "{{ agent.nmae }}")
    profiles = PROFILE.replace("externalMetric: Daily_Revenue_Closed", "externalMetric: Nope")
    env(files={"metrics.yaml": METRIC, "profiles.yaml": profiles, "achievements.yaml": text})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "external metric 'Nope' is not declared" in result.out
    assert "achievements.yaml:11:15: achievements[Closer].notifications.email.body" in result.out
    assert "dev: invalid (2 error(s), 0 warning(s))" in result.out


def test_template_error_in_a_block_scalar_points_at_its_line(env: Env, run: Run) -> None:
    text = ACHIEVEMENT.replace(
        '        body: "Hi {{ agent.name }}"\n',
        "        body: |\n          Hi {{ agent.name }},\n\n          {% if achievement.points %}\n"
        "          {{ achievement.ponts }} points\n          {% endif %}\n",
    )
    env(files={"metrics.yaml": METRIC, "profiles.yaml": PROFILE, "achievements.yaml": text})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/achievements.yaml:15:11: achievements[Closer].notifications.email.body: "
        "unknown template variable achievement.ponts (did you mean achievement.points?)"
        in result.out
    )


def test_unknown_region_and_time_zone_in_environment_yaml(write: Write, run: Run) -> None:
    write(
        "dev/environment.yaml",
        "target:\n  region: us-east-9\npush:\n  time_zone: America/New_Yrok\n",
    )
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "environments/dev/environment.yaml:4:14: push.time_zone: unknown IANA time zone" in (
        result.out
    )
    write("dev/environment.yaml", "target:\n  region: us-east-9\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/environment.yaml:2:11: target.region: unknown Genesys Cloud region "
        "'us-east-9' (did you mean 'us-east-" in result.out
    )


def test_plan_refuses_what_validate_calls_an_error(env: Env, run: Run) -> None:
    # A broken template loads as a valid model; load() still refuses it, so plan exits 3
    # before connecting (base_url points at a closed port).
    text = ACHIEVEMENT.replace("{{ agent.name }}", "{{ agent.nmae }}")
    env(files={"metrics.yaml": METRIC, "profiles.yaml": PROFILE, "achievements.yaml": text})
    result = run("plan", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "achievements.yaml:11:15: achievements[Closer].notifications.email.body" in result.err


def test_overlay_with_a_misspelt_name_says_which_object_it_meant(write: Write, run: Run) -> None:
    write("base/metrics.yaml", METRIC)
    write("base/profiles.yaml", PROFILE)
    write("prod/environment.yaml", "extends: base\ntarget: {region: us-east-1}\n")
    write(
        "prod/overlay.yaml",
        """\
        profiles:
          - name: Sales Agent
            description: Sales floor
            metrics:
              - name: Revenue closed
                target: {value: 12000, points: 100}
        """,
    )
    result = run("validate", "-e", "prod")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/prod/overlay.yaml:2:11: profiles[Sales Agent].name: 'Sales Agent' matches "
        "no inherited object, so it is not an overlay; did you mean 'Sales Agents'?" in result.out
    )


def test_a_valid_overlay_with_a_near_miss_name_is_warned_about(write: Write, run: Run) -> None:
    # Valid on its own, so nothing else flags it: without RC109 prod would get a second profile.
    write("base/metrics.yaml", METRIC)
    write("base/profiles.yaml", PROFILE)
    write("prod/environment.yaml", "extends: base\ntarget: {region: us-east-1}\n")
    write(
        "prod/overlay.yaml",
        """\
        profiles:
          - name: Sales agents
            description: Sales floor
            metrics:
              - name: Revenue closed
                externalMetric: Daily_Revenue_Closed
                target: {value: 12000, points: 100}
        """,
    )
    result = run("validate", "-e", "prod")
    assert result.code == ExitCode.OK
    assert (
        "environments/prod/overlay.yaml:2:11: warning: profiles[Sales agents].name: "
        "'Sales agents' is a new object, not an overlay of the inherited 'Sales Agents'; "
        "overlays match by exact name [RC109]" in result.out
    )
    assert run("validate", "-e", "prod", "--strict").code == ExitCode.INVALID_MANIFEST
    # The exact name overlays, and warns about nothing.
    write("prod/overlay.yaml", "profiles:\n  - name: Sales Agents\n    description: Prod floor\n")
    assert "RC109" not in run("validate", "-e", "prod").out


def test_more_external_metrics_than_an_org_allows(env: Env, run: Run) -> None:
    items = "".join(
        f"  - {{name: KPI_{n:02d}, unit: Number, precision: 0, "
        "defaultObjectiveType: HigherIsBetter}\n"
        for n in range(51)
    )
    env(files={"metrics.yaml": "externalMetrics:\n" + items})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/metrics.yaml:52:12: externalMetrics[KPI_50]: 51 external metrics "
        "declared; Genesys allows 50 per organization" in result.out
    )


def test_a_value_failing_every_branch_of_a_union_is_one_problem(write: Write, run: Run) -> None:
    write("dev/environment.yaml", "target: {region: us-east-1}\nvariables:\n  x: [1]\n")
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    lines = [line for line in result.out.splitlines() if "variables.x" in line]
    assert lines == [
        "environments/dev/environment.yaml:3:6: variables.x: Input should be a valid string or "
        "a valid integer or a valid number or a valid boolean"
    ]


def test_enum_typo_suggests_the_value_and_is_reported_once(env: Env, run: Run) -> None:
    env(
        files={"metrics.yaml": METRIC.replace("unit: Currency", "unit: Curency"), "p.yaml": PROFILE}
    )
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/metrics.yaml:3:11: externalMetrics[Daily_Revenue_Closed].unit: Input "
        "should be 'Seconds', 'Percent', 'Number' or 'Currency', got 'Curency' "
        "(did you mean 'Currency'?)" in result.out
    )
    # The profile that measures it is not also told the metric is undeclared.
    assert "not declared" not in result.out
    assert "dev: invalid (1 error(s), 0 warning(s))" in result.out
