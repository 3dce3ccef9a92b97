"""Lint rules: the traps of the seeds, each with a stable id and a one-line rationale.

RC0xx are errors (validate fails), RC1xx are warnings (validate passes unless `--strict`).
Ids never change meaning; retired rules keep their number. `reconciler validate --explain`
prints this table.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..errors import Problem, Severity
from ..kinds import Kind
from .locate import locate
from .manifest import Manifest
from .models import ExternalMetric, ObjectiveType, ScopeType, Unit


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    rationale: str


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "RC001",
            "error",
            "profile metric measures a disabled external metric",
            "a disabled definition takes no data, so the metric scores nothing on every scorecard",
        ),
        Rule(
            "RC002",
            "error",
            "target or zone value is not an integer",
            "the Genesys API stores objective zone values and points as 32-bit integers",
        ),
        Rule(
            "RC003",
            "error",
            "target shorthand on a native metric without a direction",
            "a native metric has no declared objective type, so the shorthand cannot be expanded",
        ),
        Rule(
            "RC004",
            "error",
            "target shorthand on a TargetArea external metric",
            "a target area is a band, not one value: declare explicit zones",
        ),
        Rule(
            "RC005",
            "error",
            "zone whose lower limit is above its upper limit",
            "Genesys scores points linearly across the range; an inverted range scores nothing",
        ),
        Rule(
            "RC006",
            "error",
            "notification template does not parse or uses an unsafe expression",
            "WEM would send the raw template text, or nothing",
        ),
        Rule(
            "RC007",
            "error",
            "notification template uses an unknown variable",
            "an unknown placeholder renders empty or literally in every agent's notification",
        ),
        Rule(
            "RC101",
            "warning",
            "volatile or average-type trigger metric with a ONCE/ALL_TIME scope and no "
            "sustained condition",
            "a metric that dips past the threshold completes the achievement on noise; "
            "use a time-bound scope or sustained_days",
        ),
        Rule(
            "RC102",
            "warning",
            "toast is the only channel",
            "toasts are lost when the desktop is disconnected; add push or email",
        ),
        Rule(
            "RC103",
            "warning",
            "push enabled without a deep link",
            "without a deep link the agent lands on the app home screen",
        ),
        Rule(
            "RC104",
            "warning",
            "email is the only channel",
            "WEM email is queued and can arrive hours late under load",
        ),
        Rule(
            "RC105",
            "warning",
            "three or more achievements share one trigger and scope",
            "they complete together for every agent at once and saturate the email queue; "
            "stagger the thresholds",
        ),
        Rule(
            "RC106",
            "warning",
            "external metric that no profile uses",
            "data pushed to it shows on no scorecard",
        ),
        Rule(
            "RC107",
            "warning",
            "achievement with every channel disabled",
            "agents are never told they earned it",
        ),
        Rule(
            "RC108",
            "warning",
            "single-brace placeholder such as {agent_name} in a template",
            "only {{ agent.name }} is a template variable; the braces reach the agent verbatim",
        ),
        Rule(
            "RC109",
            "warning",
            "new object in an extending environment whose name nearly matches an inherited one",
            "overlays match by exact name: a misspelt overlay creates a second object in the org",
        ),
    )
}

#: Achievements sharing a trigger and scope before RC105 fires.
SAME_TRIGGER_THRESHOLD = 3
#: Other achievements an RC105 warning names before saying "and N more".
SAME_TRIGGER_SHOWN = 3

_AVERAGE_WORDS = re.compile(
    r"average|avg|ratio|rate|percent|score|adherence|conformance|time", re.IGNORECASE
)
_SINGLE_BRACE = re.compile(r"(?<!\{)\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}(?!\})")


def problem(
    manifest: Manifest,
    rule_id: str,
    kind: Kind,
    name: str,
    path: tuple[str | int, ...],
    field_path: str,
    message: str,
) -> Problem:
    """A Problem for `rule_id`, located at `path` inside the object `kind`/`name`."""
    rule = RULES[rule_id]
    loc = locate(manifest, kind, name, path)
    return Problem(loc.file, loc.line, loc.column, field_path, message, rule.severity, rule.id)


def lint(manifest: Manifest) -> list[Problem]:
    """Every rule's findings for a loaded manifest (templates are checked by validation)."""
    found: list[Problem] = []
    for check in _CHECKS:
        found.extend(check(manifest))
    return found


def _profiles(manifest: Manifest) -> Iterator[Problem]:
    external = {metric.name: metric for metric in manifest.resources.external_metrics}
    for profile in manifest.resources.profiles:
        for metric in profile.metrics:
            key = f"{profile.name}/{metric.name}"
            where = f"profiles[{profile.name}].metrics[{metric.name}]"
            definition: ExternalMetric | None = None
            if metric.external_metric is not None:
                definition = external.get(metric.external_metric)
                if definition is not None and not definition.enabled:
                    yield problem(
                        manifest,
                        "RC001",
                        Kind.PROFILE_METRIC,
                        key,
                        ("externalMetric",),
                        f"{where}.externalMetric",
                        f"measures {definition.name!r}, which is declared enabled: false",
                    )
            if metric.target is not None and metric.target.direction is None:
                if definition is None and metric.native_metric is not None:
                    yield problem(
                        manifest,
                        "RC003",
                        Kind.PROFILE_METRIC,
                        key,
                        ("target",),
                        f"{where}.target",
                        "a native metric's target needs direction: HigherIsBetter or LowerIsBetter",
                    )
                elif (
                    definition is not None
                    and definition.default_objective_type is ObjectiveType.TARGET_AREA
                ):
                    yield problem(
                        manifest,
                        "RC004",
                        Kind.PROFILE_METRIC,
                        key,
                        ("target",),
                        f"{where}.target",
                        f"{definition.name!r} is a TargetArea metric: declare zones instead",
                    )
            for index, zone in enumerate(metric.zones or ()):
                low, high = zone.lower_limit_value, zone.upper_limit_value
                if low is not None and high is not None and low > high:
                    yield problem(
                        manifest,
                        "RC005",
                        Kind.PROFILE_METRIC,
                        key,
                        ("zones", index),
                        f"{where}.zones[{index}]",
                        f"lowerLimitValue {low} is above upperLimitValue {high}",
                    )


def _unused_external(manifest: Manifest) -> Iterator[Problem]:
    used = {
        metric.external_metric
        for profile in manifest.resources.profiles
        for metric in profile.metrics
        if metric.external_metric is not None
    }
    for definition in manifest.resources.external_metrics:
        if definition.name not in used:
            yield problem(
                manifest,
                "RC106",
                Kind.EXTERNAL_METRIC,
                definition.name,
                ("name",),
                f"externalMetrics[{definition.name}]",
                "no profile uses this external metric",
            )


def _is_volatile(metric_name: str, external: dict[str, ExternalMetric]) -> bool:
    definition = external.get(metric_name)
    if definition is not None and definition.unit in (Unit.PERCENT, Unit.SECONDS):
        return True
    return bool(_AVERAGE_WORDS.search(metric_name))


def _achievements(manifest: Manifest) -> Iterator[Problem]:
    external = {metric.name: metric for metric in manifest.resources.external_metrics}
    by_trigger: dict[tuple[object, ...], list[str]] = defaultdict(list)
    for achievement in manifest.resources.achievements:
        name = achievement.name
        where = f"achievements[{name}]"
        trigger = achievement.trigger
        notifications = achievement.notifications
        email, push = notifications.email.enabled, notifications.push.enabled
        if (
            achievement.scope_type in (ScopeType.ONCE, ScopeType.ALL_TIME)
            and trigger.sustained_days is None
            and _is_volatile(trigger.metric, external)
        ):
            yield problem(
                manifest,
                "RC101",
                Kind.ACHIEVEMENT,
                name,
                ("trigger", "metric"),
                f"{where}.trigger",
                f"{trigger.metric!r} is volatile or an average and scope_type is "
                f"{achievement.scope_type.value}: add sustained_days or use a time-bound scope",
            )
        if notifications.toast and not email and not push:
            yield problem(
                manifest,
                "RC102",
                Kind.ACHIEVEMENT,
                name,
                ("notifications", "toast"),
                f"{where}.notifications",
                "toast is the only enabled channel",
            )
        if push and not notifications.push.deep_link:
            yield problem(
                manifest,
                "RC103",
                Kind.ACHIEVEMENT,
                name,
                ("notifications", "push"),
                f"{where}.notifications.push",
                "push is enabled without a deep_link",
            )
        if email and not notifications.toast and not push:
            yield problem(
                manifest,
                "RC104",
                Kind.ACHIEVEMENT,
                name,
                ("notifications", "email"),
                f"{where}.notifications",
                "email is the only enabled channel",
            )
        if not notifications.toast and not email and not push:
            yield problem(
                manifest,
                "RC107",
                Kind.ACHIEVEMENT,
                name,
                ("notifications",),
                f"{where}.notifications",
                "every notification channel is disabled",
            )
        key = (trigger.metric, trigger.operator, trigger.value, achievement.scope_type)
        by_trigger[key].append(name)
    for names in by_trigger.values():
        if len(names) >= SAME_TRIGGER_THRESHOLD:
            for name in names:
                # A few names say which group it is; listing hundreds would make the output
                # grow with the square of the group.
                rest = [repr(other) for other in names if other != name]
                others = ", ".join(rest[:SAME_TRIGGER_SHOWN])
                if len(rest) > SAME_TRIGGER_SHOWN:
                    others += f" and {len(rest) - SAME_TRIGGER_SHOWN} more"
                yield problem(
                    manifest,
                    "RC105",
                    Kind.ACHIEVEMENT,
                    name,
                    ("trigger",),
                    f"achievements[{name}].trigger",
                    f"same trigger and scope as {others}: they complete together",
                )


def _single_braces(manifest: Manifest) -> Iterator[Problem]:
    from .templates import template_fields

    for achievement in manifest.resources.achievements:
        for path, text in template_fields(achievement):
            match = _SINGLE_BRACE.search(text)
            if match is None:
                continue
            yield problem(
                manifest,
                "RC108",
                Kind.ACHIEVEMENT,
                achievement.name,
                path,
                f"achievements[{achievement.name}].{'.'.join(path)}",
                f"{match.group(0)} is not a template variable; write {{{{ agent.name }}}}-style "
                "placeholders",
            )


#: Name pairs compared by similarity before RC109 falls back to exact case/punctuation matches
#: (difflib is quadratic; at org maximum a base and an overlay could hold 500 achievements each).
NEAR_NAME_BUDGET = 50_000


def _fold(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


def _misspelt_overlays(manifest: Manifest) -> Iterator[Problem]:
    if manifest.environment.extends is None:
        return
    own_folder = f"environments/{manifest.name}/"
    kinds = (
        (Kind.EXTERNAL_METRIC, "externalMetrics", manifest.resources.external_metrics),
        (Kind.PROFILE, "profiles", manifest.resources.profiles),
        (Kind.ACHIEVEMENT, "achievements", manifest.resources.achievements),
    )
    for kind, key, objects in kinds:
        own: list[str] = []
        inherited: list[str] = []
        for obj in objects:
            source = manifest.sources.get((kind.value, obj.name), "")
            (own if source.startswith(own_folder) else inherited).append(obj.name)
        if not own or not inherited:
            continue
        folded = {_fold(name): name for name in inherited}
        similar = len(own) * len(inherited) <= NEAR_NAME_BUDGET
        for name in own:
            meant = folded.get(_fold(name))
            if meant is None and similar:
                close = difflib.get_close_matches(name, inherited, n=1, cutoff=0.85)
                meant = close[0] if close else None
            if meant is not None:
                yield problem(
                    manifest,
                    "RC109",
                    kind,
                    name,
                    ("name",),
                    f"{key}[{name}].name",
                    f"{name!r} is a new object, not an overlay of the inherited {meant!r}; "
                    "overlays match by exact name",
                )


_CHECKS: tuple[Callable[[Manifest], Iterator[Problem]], ...] = (
    _profiles,
    _unused_external,
    _achievements,
    _single_braces,
    _misspelt_overlays,
)


def rules_table() -> str:
    """The rule table as Markdown (README and `validate --explain`)."""
    lines = ["| id | severity | rule | why |", "|---|---|---|---|"]
    for rule in RULES.values():
        lines.append(f"| {rule.id} | {rule.severity} | {rule.summary} | {rule.rationale} |")
    return "\n".join(lines) + "\n"
