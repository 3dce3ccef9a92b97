"""Each lint rule fires on its trap, with its id and location; --strict fails on warnings."""

from __future__ import annotations

import json
from pathlib import Path

from reconciler.errors import ExitCode
from reconciler.manifests.lint import RULES, rules_table

from .conftest import ACHIEVEMENT, METRIC, PROFILE, Env, Run


def _achievements(*blocks: str) -> str:
    return "achievements:\n" + "".join(block.split("achievements:\n", 1)[1] for block in blocks)


def test_clean_manifest_has_no_findings(env: Env, run: Run) -> None:
    env()
    result = run("validate", "-e", "dev", "--strict")
    assert result.code == ExitCode.OK, result.text
    assert "dev: valid (0 error(s), 0 warning(s))" in result.out


def test_warnings_pass_unless_strict(env: Env, run: Run) -> None:
    text = (
        METRIC
        + "  - {name: Unused, unit: Number, precision: 0, defaultObjectiveType: HigherIsBetter}\n"
    )
    env(files={"metrics.yaml": text, "profiles.yaml": PROFILE})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.OK
    assert (
        "environments/dev/metrics.yaml:7:12: warning: externalMetrics[Unused]: "
        "no profile uses this external metric [RC106]" in result.out
    )
    assert run("validate", "-e", "dev", "--strict").code == ExitCode.INVALID_MANIFEST


def test_profile_referencing_a_disabled_external_metric_is_an_error(env: Env, run: Run) -> None:
    env(files={"metrics.yaml": METRIC + "    enabled: false\n", "profiles.yaml": PROFILE})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert (
        "environments/dev/profiles.yaml:6:25: profiles[Sales Agents].metrics[Revenue closed]"
        ".externalMetric: measures 'Daily_Revenue_Closed', which is declared enabled: false [RC001]"
        in result.out
    )


def test_native_target_without_direction_and_target_area_shorthand(env: Env, run: Run) -> None:
    metrics = METRIC.replace("HigherIsBetter", "TargetArea")
    profiles = PROFILE + (
        "      - name: AHT\n        nativeMetric: Average Handle Time\n"
        "        target: {value: 300, points: 5}\n"
    )
    env(files={"metrics.yaml": metrics, "profiles.yaml": profiles})
    result = run("validate", "-e", "dev", "--format", "json")
    assert result.code == ExitCode.INVALID_MANIFEST
    rules = {(p["rule"], p["line"]) for p in json.loads(result.out)["problems"]}
    assert ("RC004", 7) in rules
    assert ("RC003", 10) in rules


def test_inverted_zone(env: Env, run: Run) -> None:
    profiles = PROFILE.replace(
        "target: {value: 10000, points: 100}",
        "zones: [{label: G, zoneType: Good, directionType: Up, lowerLimitValue: 9, "
        "upperLimitValue: 1, lowerLimitPoints: 0, upperLimitPoints: 5}]",
    )
    env(files={"metrics.yaml": METRIC, "profiles.yaml": profiles})
    result = run("validate", "-e", "dev")
    assert result.code == ExitCode.INVALID_MANIFEST
    assert "lowerLimitValue 9 is above upperLimitValue 1 [RC005]" in result.out


def test_channel_traps(env: Env, run: Run) -> None:
    toast_only = (
        ACHIEVEMENT.replace("Closer", "Toasty")
        .replace("      email:\n        enabled: true", "      email:\n        enabled: false")
        .replace("      push:\n        enabled: true", "      push:\n        enabled: false")
    )
    email_only = (
        ACHIEVEMENT.replace("Closer", "Mailer")
        .replace("toast: true", "toast: false")
        .replace("      push:\n        enabled: true", "      push:\n        enabled: false")
    )
    no_link = ACHIEVEMENT.replace("Closer", "Linkless").replace(
        "        deep_link: https://apps.mypurecloud.com/#/x\n", ""
    )
    silent = toast_only.replace("Toasty", "Silent").replace("toast: true", "toast: false")
    env(
        files={
            "metrics.yaml": METRIC,
            "profiles.yaml": PROFILE,
            "achievements.yaml": _achievements(toast_only, email_only, no_link, silent).replace(
                "value: 10000", "value: 1"
            ),
        }
    )
    result = run("validate", "-e", "dev", "--format", "json")
    found = {(p["rule"], p["path"].split(".")[0]) for p in json.loads(result.out)["problems"]}
    assert ("RC102", "achievements[Toasty]") in found
    assert ("RC104", "achievements[Mailer]") in found
    assert ("RC103", "achievements[Linkless]") in found
    assert ("RC107", "achievements[Silent]") in found
    assert result.code == ExitCode.OK  # warnings only


def test_same_trigger_and_scope_on_many_achievements(env: Env, run: Run) -> None:
    blocks = [ACHIEVEMENT.replace("Closer", f"Closer {n}") for n in range(3)]
    env(
        files={
            "metrics.yaml": METRIC,
            "profiles.yaml": PROFILE,
            "achievements.yaml": _achievements(*blocks),
        }
    )
    result = run("validate", "-e", "dev")
    assert result.out.count("[RC105]") == 3
    assert "same trigger and scope as 'Closer 1', 'Closer 2': they complete together" in result.out


def test_volatile_metric_with_all_time_scope(env: Env, run: Run) -> None:
    text = ACHIEVEMENT.replace("scope_type: DAILY", "scope_type: ALL_TIME").replace(
        "metric: Daily_Revenue_Closed, operator: GTE, value: 10000",
        "metric: Average Handle Time, operator: LT, value: 120",
    )
    env(files={"metrics.yaml": METRIC, "profiles.yaml": PROFILE, "achievements.yaml": text})
    result = run("validate", "-e", "dev")
    assert (
        "environments/dev/achievements.yaml:5:23: warning: achievements[Closer].trigger: "
        "'Average Handle Time' is volatile or an average and scope_type is ALL_TIME" in result.out
    )
    sustained = text.replace("value: 120}", "value: 120, sustained_days: 5}")
    env(files={"metrics.yaml": METRIC, "profiles.yaml": PROFILE, "achievements.yaml": sustained})
    assert "[RC101]" not in run("validate", "-e", "dev").out


def test_single_brace_placeholder(env: Env, run: Run) -> None:
    text = ACHIEVEMENT.replace('body: "You earned it"', 'body: "You earned {achievement_name}"')
    env(files={"metrics.yaml": METRIC, "profiles.yaml": PROFILE, "achievements.yaml": text})
    result = run("validate", "-e", "dev")
    assert "push.body: {achievement_name} is not a template variable" in result.out
    assert "[RC108]" in result.out


def test_explain_prints_every_rule(run: Run) -> None:
    result = run("validate", "--explain")
    assert result.code == ExitCode.OK
    assert result.out == rules_table()
    for rule_id, rule in RULES.items():
        assert f"| {rule_id} | {rule.severity} |" in result.out
        assert rule.rationale


def test_validate_needs_an_environment_or_all(run: Run) -> None:
    assert run("validate").code == ExitCode.USAGE
    assert run("validate", "-e", "dev", "--all").code == ExitCode.USAGE


def test_documented_rule_table_is_the_code_table() -> None:
    manual = (Path(__file__).resolve().parents[2] / "docs" / "manifests.md").read_text()
    assert rules_table() in manual


def test_same_trigger_warning_names_a_few_not_all(env: Env, run: Run) -> None:
    blocks = [ACHIEVEMENT.replace("Closer", f"Closer {n}") for n in range(40)]
    env(
        files={
            "metrics.yaml": METRIC,
            "profiles.yaml": PROFILE,
            "achievements.yaml": _achievements(*blocks),
        }
    )
    result = run("validate", "-e", "dev")
    assert result.out.count("[RC105]") == 40
    assert (
        "achievements[Closer 0].trigger: same trigger and scope as 'Closer 1', 'Closer 2', "
        "'Closer 3' and 36 more: they complete together [RC105]" in result.out
    )
