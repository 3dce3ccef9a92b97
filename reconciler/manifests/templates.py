"""Notification templates: checked and rendered with jinja2 in a sandbox.

This is the only module that renders manifest templates with jinja2 (the preview page's
own HTML, autoescaped, is `reconciler.output.preview_page`). Achievement notifications
(seed 001) are templates with `{{ }}` placeholders that WEM fills in when an agent
completes the achievement.
The variables a template may use:

    achievement.name             the achievement's name
    achievement.description      its description
    achievement.points           points awarded (set by WEM at completion; previews show 100)
    achievement.type             ACHIEVEMENT
    achievement.completion_type  ONCE / REPEATABLE
    achievement.scope_type       ONCE / DAILY / WEEKLY / MONTHLY / ALL_TIME
    agent.name                   the agent's display name
    agent.first_name             the first word of the display name
    agent.email                  the agent's e-mail address

Anything else is an error, as is a syntax error. Templates are rendered in jinja2's
`SandboxedEnvironment` with `StrictUndefined`, so a template can neither reach Python internals
nor silently print an empty string for a misspelt variable.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from ..errors import ManifestError, Problem
from .models import Achievement

TEMPLATE_VARIABLES: dict[str, dict[str, str]] = {
    "achievement": {
        "name": "the achievement's name",
        "description": "its description",
        "points": "points awarded (set by WEM at completion; previews show 100)",
        "type": "ACHIEVEMENT",
        "completion_type": "ONCE / REPEATABLE",
        "scope_type": "ONCE / DAILY / WEEKLY / MONTHLY / ALL_TIME",
    },
    "agent": {
        "name": "the agent's display name",
        "first_name": "the first word of the display name",
        "email": "the agent's e-mail address",
    },
}

SAMPLE_AGENT: dict[str, str] = {
    "name": "Jordan Rivera",
    "first_name": "Jordan",
    "email": "jordan.rivera@example.com",
}
SAMPLE_POINTS = 100

#: Longest text or list a template may build with `*`, and largest `**` exponent: a template is
#: checked by rendering it, so `{{ 'x' * 10**12 }}` must fail fast instead of exhausting memory.
MAX_PRODUCT = 100_000
MAX_EXPONENT = 64
#: Longest rendered notification, and longest `range()`; loops cannot nest (see `check`).
MAX_OUTPUT = 100_000
MAX_RANGE = 1_000


#: Largest number a filter takes (`center(n)`, `indent(n)` …): their output is built before
#: MAX_OUTPUT can see it. A format width of six digits or more is refused for the same reason.
MAX_ARGUMENT = 100_000
_WIDE_PERCENT = re.compile(r"%[^a-zA-Z%]*\d{6}")
_WIDE_FORMAT = re.compile(r"\{[^{}]*:[^{}]*\d{6}[^{}]*\}")


class _Sandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponent {right} is too large (at most {MAX_EXPONENT})")
        if operator == "%" and isinstance(left, str) and _WIDE_PERCENT.search(left):
            raise SecurityError("a %-format width or precision of six digits or more")
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                if (
                    isinstance(sized, (str, list, tuple))
                    and isinstance(count, int)
                    and len(sized) * count > MAX_PRODUCT
                ):
                    raise SecurityError(f"repetition builds more than {MAX_PRODUCT} items")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Any:
        text = getattr(value, "__self__", None)
        if isinstance(text, str) and _WIDE_FORMAT.search(text):
            raise SecurityError("a format width or precision of six digits or more")
        return super().wrap_str_format(value)


def _bounded(function: Any) -> Any:
    @functools.wraps(function)  # keeps jinja2's pass_context/pass_environment marks
    def bounded(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ARGUMENT:
                raise SecurityError(f"a filter argument above {MAX_ARGUMENT}: {value}")
        return function(*args, **kwargs)

    return bounded


_env = _Sandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
_env.filters = {name: _bounded(function) for name, function in _env.filters.items()}


def _range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"range() of more than {MAX_RANGE} numbers")
    return numbers


_env.globals["range"] = _range
del _env.globals["lipsum"]  # placeholder text in bulk: `lipsum(20000)` took 18 s to check

# A notification template is self-contained: WEM has no other templates to pull in, and
# it needs no macros.
_UNSUPPORTED = {
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from ... import",
    nodes.Extends: "extends",
    # Checking renders the template: a macro could hide loops inside loops (see MAX_RANGE).
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
}


@dataclass(frozen=True)
class TemplateIssue:
    """A problem in one template; `line` is the line inside the template text (1-based)."""

    message: str
    line: int | None = None


def _allowed() -> list[str]:
    return [f"{top}.{attr}" for top, attrs in TEMPLATE_VARIABLES.items() for attr in attrs]


# Node types of a template that only prints text and allowed variables; such a template is
# fully checked by walking its tree, so it needs neither jinja2's scope analysis nor a render.
_SIMPLE_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Const,
)


@functools.lru_cache(maxsize=4096)
def check(text: str) -> tuple[TemplateIssue, ...]:
    """Syntax errors and unknown variables in `text` (empty when the template is fine).

    Cached: achievements of one manifest often share their templates.
    """
    try:
        return _check(text)
    except RecursionError:  # jinja2 parses and compiles recursively: `{{ ((((…)))) }}`
        return (TemplateIssue("template error: expressions or blocks nested too deeply"),)


def _check(text: str) -> tuple[TemplateIssue, ...]:
    try:
        tree = _env.parse(text)
    except TemplateSyntaxError as error:
        return (TemplateIssue(f"template syntax error: {error.message}", error.lineno),)
    for node in tree.find_all(tuple(_UNSUPPORTED)):
        tag = _UNSUPPORTED[type(node)]
        message = f"template error: {{% {tag} %}} is not supported; a notification template "
        return (TemplateIssue(message + "is self-contained", node.lineno),)
    for loop in tree.find_all(nodes.For):
        inner = next(loop.find_all(nodes.For), None)
        if inner is not None:  # checking renders the template: nested loops multiply its cost
            return (TemplateIssue("template error: loops cannot be nested", inner.lineno),)
    simple = all(isinstance(node, _SIMPLE_NODES) for node in tree.find_all(nodes.Node))
    if simple:
        names = {node.name for node in tree.find_all(nodes.Name)}
    else:
        try:  # compiles the tree: unknown filters and tests surface here
            names = meta.find_undeclared_variables(tree)
        except TemplateSyntaxError as error:
            return (TemplateIssue(f"template error: {error.message}", error.lineno),)
    issues: list[TemplateIssue] = []
    for name in sorted(names):
        if name not in TEMPLATE_VARIABLES:
            issues.append(TemplateIssue(_unknown(name), _first_line(tree, name)))
    for getattr_node in tree.find_all(nodes.Getattr):
        issues.extend(_check_attribute(getattr_node.node, getattr_node.attr, getattr_node.lineno))
    for getitem_node in tree.find_all(nodes.Getitem):
        if isinstance(getitem_node.arg, nodes.Const):
            issues.extend(
                _check_attribute(getitem_node.node, getitem_node.arg.value, getitem_node.lineno)
            )
    if issues or simple:
        return tuple(issues)
    try:  # what static analysis cannot see (sandbox violations, filters, calls …)
        render(text, sample_context_values())
    except TemplateError as error:
        return (TemplateIssue(f"template error: {error}"),)
    except Exception as error:  # a template can fail as any Python expression can (1/0 …)
        return (TemplateIssue(f"template error: {type(error).__name__}: {error}"),)
    return ()


def _check_attribute(base: nodes.Node, attr: Any, line: int) -> list[TemplateIssue]:
    if isinstance(attr, str) and attr.startswith("_"):
        return [TemplateIssue(f"template error: access to attribute {attr!r} is unsafe", line)]
    if not isinstance(base, nodes.Name) or base.name not in TEMPLATE_VARIABLES:
        return []
    if attr in TEMPLATE_VARIABLES[base.name]:
        return []
    return [TemplateIssue(_unknown(f"{base.name}.{attr}"), line)]


def _unknown(name: str) -> str:
    allowed = _allowed()
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown template variable {name}{hint}; allowed: {', '.join(allowed)}"


def _first_line(tree: nodes.Template, name: str) -> int | None:
    for found in tree.find_all(nodes.Name):
        if found.name == name:
            return int(found.lineno)
    return None


def render(text: str, context: Mapping[str, Any]) -> str:
    """Render one template in the sandbox (raises jinja2's TemplateError; `check` first).

    The output is capped at MAX_OUTPUT characters, so a loop cannot build gigabytes.
    """
    parts: list[str] = []
    size = 0
    for chunk in _env.from_string(text).generate(dict(context)):
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise SecurityError(f"the template renders more than {MAX_OUTPUT} characters")
        parts.append(chunk)
    return "".join(parts)


def context_for(achievement: Achievement, agent: Mapping[str, str]) -> dict[str, Any]:
    """The variables WEM would fill in for `agent` completing `achievement`."""
    return {
        "achievement": {
            "name": achievement.name,
            "description": achievement.description,
            "points": SAMPLE_POINTS,
            "type": achievement.type.value,
            "completion_type": achievement.completion_type.value,
            "scope_type": achievement.scope_type.value,
        },
        "agent": dict(agent),
    }


def sample_context_values() -> dict[str, Any]:
    """Placeholder values of the types WEM fills in (points is a number, as in previews)."""
    values: dict[str, Any] = {
        top: {attr: f"<{top}.{attr}>" for attr in attrs}
        for top, attrs in TEMPLATE_VARIABLES.items()
    }
    values["achievement"]["points"] = SAMPLE_POINTS
    return values


def template_fields(achievement: Achievement) -> Iterator[tuple[tuple[str, ...], str]]:
    """(path inside the achievement, text) of every template the achievement carries."""
    email = achievement.notifications.email
    push = achievement.notifications.push
    candidates: list[tuple[tuple[str, ...], str | None]] = [
        (("notifications", "email", "subject"), email.subject),
        (("notifications", "email", "body"), email.body),
        (("notifications", "push", "title"), push.title),
        (("notifications", "push", "body"), push.body),
        (("notifications", "push", "deep_link"), push.deep_link),
    ]
    for path, text in candidates:
        if text is not None:
            yield path, text


@dataclass(frozen=True)
class Rendered:
    channel: str
    field: str
    text: str


def render_achievement(achievement: Achievement, agent: Mapping[str, str]) -> list[Rendered]:
    """Each enabled channel of `achievement` as `agent` would receive it."""
    try:
        return _render_achievement(achievement, agent)
    except Exception as error:  # validate() reports these first, with locations
        raise ManifestError(
            [Problem("", None, None, f"achievements[{achievement.name}]", str(error))]
        ) from error


def _render_achievement(achievement: Achievement, agent: Mapping[str, str]) -> list[Rendered]:
    context = context_for(achievement, agent)
    notifications = achievement.notifications
    out: list[Rendered] = []
    if notifications.toast:
        # The toast's text is WEM's own; show what the agent sees.
        out.append(Rendered("toast", "text", f"Achievement unlocked: {achievement.name}"))
    if notifications.email.enabled:
        out.append(Rendered("email", "subject", render(notifications.email.subject or "", context)))
        out.append(Rendered("email", "body", render(notifications.email.body or "", context)))
    if notifications.push.enabled:
        push = notifications.push
        out.append(Rendered("push", "title", render(push.title or "", context)))
        out.append(Rendered("push", "body", render(push.body or "", context)))
        if push.deep_link:
            out.append(Rendered("push", "deep_link", render(push.deep_link, context)))
    return out
