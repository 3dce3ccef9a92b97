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
from . import tables

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


#: What a removal (Op.DEACTIVATE) does per kind: Genesys deletes some kinds, not others.
_REMOVAL_COUNT = {
    Kind.EXTERNAL_METRIC: "delete",
    Kind.PROFILE: "deactivate",
    Kind.PROFILE_METRIC: "disable",
    Kind.ACHIEVEMENT: "delete",
}


def removals(plan: Plan) -> dict[str, int]:
    """Removals by what they do: `delete`, `deactivate` (profiles), `disable` (profile metrics)."""
    counts = {"delete": 0, "deactivate": 0, "disable": 0}
    for action in plan.actions:
        if action.op is Op.DEACTIVATE:
            counts[_REMOVAL_COUNT[action.kind]] += 1
    return counts


def summary(plan: Plan) -> str:
    c = plan.counts()
    r = removals(plan)
    return (
        f"Plan: {c[Op.CREATE]} to create, {c[Op.UPDATE]} to update, {c[Op.REPLACE]} to replace, "
        f"{r['delete']} to delete, {r['deactivate']} to deactivate, {r['disable']} to disable; "
        f"{c[Op.UNMANAGED]} unmanaged, {c[Op.BLOCKED]} blocked."
    )


def partial_note(plan: Plan) -> str | None:
    """Why a targeted plan is not the whole story (None for a full plan)."""
    if not plan.partial:
        return None
    return (
        f"Partial plan: only {', '.join(plan.targets)} and what they depend on; "
        "other changes the manifests make are not shown and not applied."
    )


def value(data: Any) -> str:
    """One value as compact JSON: strings quoted, None as null, so `"" -> null` is visible."""
    return _json.dumps(data, ensure_ascii=False, separators=(", ", ": "), sort_keys=False)


def _leaves(data: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    """Flatten dicts to dotted paths; lists stay one line per item (`zones[0]: {...}`)."""
    if isinstance(data, Mapping):
        for key, item in data.items():
            yield from _leaves(item, f"{prefix}.{key}" if prefix else str(key))
    elif tables.is_records(data):
        yield prefix, data  # shown as aligned rows
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
            if tables.is_records(item):
                lines.append(paint(f"      + {path} =", action.op))
                lines += [paint(f"          {row}", action.op) for row in tables.rows(item)]
            elif item is not None:
                lines.append(paint(f"      + {path} = {value(item)}", action.op))
        lines.append("    }")
    elif action.op in (Op.UPDATE, Op.REPLACE):
        lines.append(paint(f"{symbol:>3} {action.kind.value} {value(action.name)} {{", action.op))
        forces = ("unit", "unitDefinition") if action.op is Op.REPLACE else ()
        for change in action.changes:
            note = "   # forces replacement" if change.path in forces else ""
            member = _member_change(change) if action.kind is Kind.PROFILE_MEMBERS else None
            if member:
                lines.append(paint(f"      {member}", Op.UPDATE))
            else:
                lines += [paint(line, Op.UPDATE) for line in _change_lines(change, note)]
        lines.append("    }")
    else:
        lines.append(paint(f"{symbol:>3} {action.kind.value} {value(action.name)}", action.op))
    return lines


def _side(data: Any, indent: str) -> tuple[str, list[str]]:
    """A change's value inline, or (a record: an added or removed zone) as aligned lines."""
    if isinstance(data, Mapping) and data:
        return "{", [f"{indent}    {line}" for line in tables.record(data)] + [f"{indent}  }}"]
    return value(data), []


def _change_lines(
    change: FieldChange, note: str = "", labels: tuple[str, str] = ("", "")
) -> list[str]:
    """`~ path: before -> after`; with labels (drift): `~ path: live X, manifest Y`."""
    indent = "      "
    before, before_rows = _side(change.before, indent)
    after, after_rows = _side(change.after, indent)
    if labels[0]:
        head = f"{indent}~ {change.path}: {labels[0]} {before}"
        tail = f"{indent}  {labels[1]} {after}" if before_rows else f", {labels[1]} {after}"
    else:
        head = f"{indent}~ {change.path}: {before}"
        tail = f"{indent}  -> {after}" if before_rows else f" -> {after}"
    if before_rows:
        return [head, *before_rows, tail + note, *after_rows]
    return [head + tail + note, *after_rows]


def _listing(
    actions: list[Action], title: str, paint: _Painter, labels: tuple[str, str] = ("", "")
) -> list[str]:
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
            if member:
                lines.append(f"      {member}")
            else:
                lines += _change_lines(change, labels=labels)
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
    lines += ["", *plan.notes, summary(plan)]
    if note := partial_note(plan):
        lines.append(paint(f"Warning: {note}", Op.REPLACE))
    return "\n".join(lines) + "\n"


def json(plan: Plan) -> str:
    """Machine-readable plan: the saved-plan form plus counts and the summary line."""
    data = plan.model_dump(mode="json")
    data["format_version"] = FORMAT_VERSION
    data["counts"] = {op.value: n for op, n in plan.counts().items()}
    data["summary"] = summary(plan)
    data["partial"] = plan.partial
    return _json.dumps(data, indent=2, sort_keys=True) + "\n"


def _md(text_: str) -> str:
    return text_.replace("|", "\\|").replace("\n", " ")


def _md_changes(action: Action, labels: tuple[str, str] = ("", "")) -> str:
    if action.op is Op.CREATE:
        return "missing live" if labels[0] else "new"
    live, manifest = (f"{label} " if label else "" for label in labels)
    parts = [
        f"`{_md(member)}`"
        if action.kind is Kind.PROFILE_MEMBERS and (member := _member_change(c))
        else f"`{_md(c.path)}`: {live}`{_md(value(c.before))}` → {manifest}`{_md(value(c.after))}`"
        for c in action.changes
    ]
    if action.reason:
        parts.append(_md(action.reason))
    return "<br>".join(parts) or "—"


def _md_table(actions: list[Action], labels: tuple[str, str] = ("", "")) -> list[str]:
    lines = ["| | object | change |", "|---|---|---|"]
    for action in actions:
        op = _SYMBOL[action.op]
        changes = _md_changes(action, labels)
        lines.append(f"| `{op}` | {action.kind.value} `{_md(action.name)}` | {changes} |")
    return lines


def _md_partial(plan: Plan) -> list[str]:
    note = partial_note(plan)
    return [f"> **Warning:** {_md(note)}", ""] if note else []


#: Drift compares the org (before) with the manifests (after): every format says which is which.
DRIFT_LABELS = ("live", "manifest")


def markdown(plan: Plan) -> str:
    """The plan for a merge-request note or a job summary."""
    changes = [a for a in plan.actions if a.op in _CHANGE_OPS]
    lines = [f"### Plan for `{plan.environment}`", "", f"**{summary(plan)}**", ""]
    lines += _md_partial(plan)
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
    lines += [line for note in plan.notes for line in ("", _md(note))]
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
                lines += _change_lines(change, labels=DRIFT_LABELS)
    unmanaged = drift_unmanaged(plan)
    lines += _listing(unmanaged, "Unmanaged (live, declared by no manifest):", paint, DRIFT_LABELS)
    lines += _listing(drift_blocked(plan), "Blocked (cannot be compared):", paint, DRIFT_LABELS)
    if not has_drift(plan):
        lines += ["", "No drift."]
    lines += ["", *plan.notes, drift_summary(plan)]
    if note := partial_note(plan):
        lines.append(f"Warning: {note.replace('Partial plan', 'Partial drift report')}")
    return "\n".join(lines) + "\n"


def drift_json(plan: Plan) -> str:
    def brief(action: Action) -> dict[str, Any]:
        data = action.model_dump(mode="json", exclude={"desired", "changes"})
        # Named for the side they come from, not before/after: drift has no "after".
        data["changes"] = [
            {"path": c["path"], "live": c["before"], "manifest": c["after"]}
            for c in action.model_dump(mode="json")["changes"]
        ]
        return data

    data = {
        "format_version": FORMAT_VERSION,
        "environment": plan.environment,
        "drifted": has_drift(plan),
        "changed": [brief(a) for a in drift_changed(plan)],
        "unmanaged": [brief(a) for a in drift_unmanaged(plan)],
        "blocked": [brief(a) for a in drift_blocked(plan)],
        "summary": drift_summary(plan),
        "partial": plan.partial,
        "targets": list(plan.targets),
    }
    return _json.dumps(data, indent=2, sort_keys=True) + "\n"


def drift_markdown(plan: Plan) -> str:
    lines = [f"### Drift of `{plan.environment}`", "", f"**{drift_summary(plan)}**", ""]
    lines += _md_partial(plan)
    sections = (
        ("Changed live", drift_changed(plan)),
        ("Unmanaged", drift_unmanaged(plan)),
        ("Blocked", drift_blocked(plan)),
    )
    for title, actions in sections:
        if actions:
            lines += [f"#### {title}", "", *_md_table(actions, DRIFT_LABELS), ""]
    if not has_drift(plan):
        lines.append("No drift.")
    return "\n".join(lines).rstrip("\n") + "\n"


def color_for(stream: Any, environ: Mapping[str, str]) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in environ
