"""Plans and drift reports as text (Terraform-like), JSON and Markdown. Pure: Plan in, str out.

Text uses Terraform's symbols so reviewers read it without a legend: `+` create, `~` update,
`-/+` replace, `-` deactivate/delete; `?` unmanaged and `!` blocked are listed after the
changes. Colour only when asked (the command asks when stdout is a TTY). No-ops are counted,
never listed. The summary line is fixed text that CI greps and reports quote.
"""

from __future__ import annotations

import json as _json
from collections.abc import Iterable, Mapping
from typing import Any

import click

from ..kinds import Kind
from ..reconcile.plan import FORMAT_VERSION, Action, FieldChange, Op, Plan

_SYMBOL = {
    Op.CREATE: "+",
    Op.UPDATE: "~",
    Op.REPLACE: "-/+",
    Op.DEACTIVATE: "-",
    Op.UNMANAGED: "?",
    Op.BLOCKED: "!",
    Op.NOOP: " ",
}
_COLOUR = {
    Op.CREATE: "green",
    Op.UPDATE: "yellow",
    Op.REPLACE: "magenta",
    Op.DEACTIVATE: "red",
    Op.UNMANAGED: "cyan",
    Op.BLOCKED: "red",
}
_VERB = {
    Op.CREATE: "will be created",
    Op.UPDATE: "will be updated in place",
    Op.REPLACE: "must be replaced (delete + create, new id)",
}
_REMOVAL_VERB = {
    Kind.EXTERNAL_METRIC: "will be deleted",
    Kind.PROFILE: "will be deactivated",
    Kind.PROFILE_METRIC: "will be disabled",
    Kind.ACHIEVEMENT: "will be deleted",
}
_CHANGE_OPS = (Op.CREATE, Op.UPDATE, Op.REPLACE, Op.DEACTIVATE)


def summary(plan: Plan) -> str:
    c = plan.counts()
    return (
        f"Plan: {c[Op.CREATE]} to create, {c[Op.UPDATE]} to update, {c[Op.REPLACE]} to replace, "
        f"{c[Op.DEACTIVATE]} to deactivate; {c[Op.UNMANAGED]} unmanaged, "
        f"{c[Op.BLOCKED]} blocked."
    )


def value(data: Any) -> str:
    """One value as compact JSON: strings quoted, None as null, so `"" -> null` is visible."""
    return _json.dumps(data, ensure_ascii=False, separators=(", ", ": "), sort_keys=False)


def _leaves(data: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    """Flatten dicts to dotted paths; lists stay one line per item (`zones[0]: {...}`)."""
    if isinstance(data, Mapping):
        for key, item in data.items():
            yield from _leaves(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list | tuple) and data:
        for index, item in enumerate(data):
            yield f"{prefix}[{index}]", item
    else:
        yield prefix, data


def _verb(action: Action) -> str:
    if action.op is Op.DEACTIVATE:
        return _REMOVAL_VERB[action.kind]
    return _VERB[action.op]


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, op: Op, *, bold: bool = False) -> str:
        if not self.color or op not in _COLOUR:
            return text
        return click.style(text, fg=_COLOUR[op], bold=bold)


def _member_change(change: FieldChange) -> str | None:
    """A profile member added or removed reads `+ e-mail` / `- e-mail`, not `None -> e-mail`."""
    if change.path != "members":
        return None
    return f"+ {change.after}" if change.before is None else f"- {change.before}"


def _text_action(action: Action, paint: _Painter) -> list[str]:
    where = f"  ({action.source})" if action.source else ""
    header = f"  # {action.kind.value} {value(action.name)} {_verb(action)}{where}"
    symbol = _SYMBOL[action.op]
    lines = [paint(header, action.op, bold=True)]
    if action.reason and action.op is not Op.DEACTIVATE:
        lines.append(f"  # {action.reason}")
    if action.op is Op.CREATE:
        lines.append(paint(f"{symbol:>3} {action.kind.value} {value(action.name)} {{", action.op))
        for path, item in _leaves(action.desired or {}):
            if item is not None:
                lines.append(paint(f"      + {path} = {value(item)}", action.op))
        lines.append("    }")
    elif action.op in (Op.UPDATE, Op.REPLACE):
        lines.append(paint(f"{symbol:>3} {action.kind.value} {value(action.name)} {{", action.op))
        forces = ("unit", "unitDefinition") if action.op is Op.REPLACE else ()
        for change in action.changes:
            note = "   # forces replacement" if change.path in forces else ""
            member = _member_change(change) if action.kind is Kind.PROFILE_MEMBERS else None
            line = (
                f"      {member}"
                if member
                else f"      ~ {change.path}: {value(change.before)} -> {value(change.after)}{note}"
            )
            lines.append(paint(line, Op.UPDATE))
        lines.append("    }")
    else:
        lines.append(paint(f"{symbol:>3} {action.kind.value} {value(action.name)}", action.op))
    return lines


def _listing(actions: list[Action], title: str, paint: _Painter) -> list[str]:
    if not actions:
        return []
    lines = ["", title]
    for action in actions:
        ident = f" (id {action.live_id})" if action.live_id else ""
        reason = f": {action.reason}" if action.reason else ""
        lines.append(
            paint(f"  {_SYMBOL[action.op]} {action.kind.value} {value(action.name)}", action.op)
            + f"{ident}{reason}"
        )
        for change in action.changes:
            member = _member_change(change) if action.kind is Kind.PROFILE_MEMBERS else None
            lines.append(
                f"      {member}"
                if member
                else f"      ~ {change.path}: {value(change.before)} -> {value(change.after)}"
            )
    return lines


def text(plan: Plan, color: bool = False) -> str:
    """The plan as a reviewer reads it in a terminal or a CI log."""
    paint = _Painter(color)
    changes = [a for a in plan.actions if a.op in _CHANGE_OPS]
    lines: list[str] = []
    if changes:
        env = value(plan.environment)
        lines.append(f"Reconciler will perform the following actions on environment {env}:")
        for action in changes:
            lines.append("")
            lines.extend(_text_action(action, paint))
    elif blocked := plan.counts()[Op.BLOCKED]:
        env = value(plan.environment)
        lines.append(f"No changes to apply in environment {env}, but {blocked} blocked (below).")
    else:
        lines.append(f"No changes. Environment {value(plan.environment)} matches the manifests.")
    lines += _listing(
        [a for a in plan.actions if a.op is Op.UNMANAGED],
        "Unmanaged (live, declared by no manifest; left alone):",
        paint,
    )
    lines += _listing(
        [a for a in plan.actions if a.op is Op.BLOCKED], "Blocked (not planned):", paint
    )
    lines += ["", summary(plan)]
    return "\n".join(lines) + "\n"


def json(plan: Plan) -> str:
    """Machine-readable plan: the saved-plan form plus counts and the summary line."""
    data = plan.model_dump(mode="json")
    data["format_version"] = FORMAT_VERSION
    data["counts"] = {op.value: n for op, n in plan.counts().items()}
    data["summary"] = summary(plan)
    return _json.dumps(data, indent=2, sort_keys=True) + "\n"


def _md(text_: str) -> str:
    return text_.replace("|", "\\|").replace("\n", " ")


def _md_changes(action: Action) -> str:
    if action.op is Op.CREATE:
        return "new"
    parts = [
        f"`{_md(member)}`"
        if action.kind is Kind.PROFILE_MEMBERS and (member := _member_change(c))
        else f"`{_md(c.path)}`: `{_md(value(c.before))}` → `{_md(value(c.after))}`"
        for c in action.changes
    ]
    if action.reason:
        parts.append(_md(action.reason))
    return "<br>".join(parts) or "—"


def _md_table(actions: list[Action]) -> list[str]:
    lines = ["| | object | change |", "|---|---|---|"]
    for action in actions:
        op = _SYMBOL[action.op]
        lines.append(
            f"| `{op}` | {action.kind.value} `{_md(action.name)}` | {_md_changes(action)} |"
        )
    return lines


def markdown(plan: Plan) -> str:
    """The plan for a merge-request note or a job summary."""
    changes = [a for a in plan.actions if a.op in _CHANGE_OPS]
    lines = [f"### Plan for `{plan.environment}`", "", f"**{summary(plan)}**", ""]
    if changes:
        lines += _md_table(changes)
    elif blocked := plan.counts()[Op.BLOCKED]:
        lines.append(f"No changes to apply, but {blocked} blocked (see below).")
    else:
        lines.append("No changes: the org matches the manifests.")
    others = [a for a in plan.actions if a.op in (Op.UNMANAGED, Op.BLOCKED)]
    if others:
        lines += ["", "<details><summary>Unmanaged and blocked objects</summary>", ""]
        lines += _md_table(others)
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


# --- drift -------------------------------------------------------------------------------------


def drift_changed(plan: Plan) -> list[Action]:
    """Declared objects whose live state differs (or that are missing live)."""
    return [a for a in plan.actions if a.op in (Op.CREATE, Op.UPDATE, Op.REPLACE)]


def drift_unmanaged(plan: Plan) -> list[Action]:
    """Live objects no manifest declares (protected ones are expected and not drift)."""
    return [
        a
        for a in plan.actions
        if a.op is Op.DEACTIVATE or (a.op is Op.UNMANAGED and a.reason != "protected by policy")
    ]


def drift_blocked(plan: Plan) -> list[Action]:
    return [a for a in plan.actions if a.op is Op.BLOCKED]


def has_drift(plan: Plan) -> bool:
    return bool(drift_changed(plan) or drift_unmanaged(plan) or drift_blocked(plan))


def drift_summary(plan: Plan) -> str:
    return (
        f"Drift: {len(drift_changed(plan))} changed, {len(drift_unmanaged(plan))} unmanaged, "
        f"{len(drift_blocked(plan))} blocked."
    )


def drift_text(plan: Plan, color: bool = False) -> str:
    paint = _Painter(color)
    lines = [f"Drift of environment {value(plan.environment)} against its manifests:"]
    changed = drift_changed(plan)
    if changed:
        lines += ["", "Changed live (apply would revert):"]
        for action in changed:
            if action.op is Op.CREATE:
                what = "missing live (declared, not found)"
                lines.append(paint(f"  + {action.kind.value} {value(action.name)}", action.op))
                lines.append(f"      # {what}")
                continue
            lines.append(paint(f"  ~ {action.kind.value} {value(action.name)}", Op.UPDATE))
            for change in action.changes:
                lines.append(
                    f"      ~ {change.path}: live {value(change.before)}, "
                    f"manifest {value(change.after)}"
                )
    lines += _listing(drift_unmanaged(plan), "Unmanaged (live, declared by no manifest):", paint)
    lines += _listing(drift_blocked(plan), "Blocked (cannot be compared):", paint)
    if not has_drift(plan):
        lines += ["", "No drift."]
    lines += ["", drift_summary(plan)]
    return "\n".join(lines) + "\n"


def drift_json(plan: Plan) -> str:
    def brief(action: Action) -> dict[str, Any]:
        return action.model_dump(mode="json", exclude={"desired"})

    data = {
        "format_version": FORMAT_VERSION,
        "environment": plan.environment,
        "drifted": has_drift(plan),
        "changed": [brief(a) for a in drift_changed(plan)],
        "unmanaged": [brief(a) for a in drift_unmanaged(plan)],
        "blocked": [brief(a) for a in drift_blocked(plan)],
        "summary": drift_summary(plan),
    }
    return _json.dumps(data, indent=2, sort_keys=True) + "\n"


def drift_markdown(plan: Plan) -> str:
    lines = [f"### Drift of `{plan.environment}`", "", f"**{drift_summary(plan)}**", ""]
    sections = (
        ("Changed live", drift_changed(plan)),
        ("Unmanaged", drift_unmanaged(plan)),
        ("Blocked", drift_blocked(plan)),
    )
    for title, actions in sections:
        if actions:
            lines += [f"#### {title}", "", *_md_table(actions), ""]
    if not has_drift(plan):
        lines.append("No drift.")
    return "\n".join(lines).rstrip("\n") + "\n"


def color_for(stream: Any, environ: Mapping[str, str]) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in environ
