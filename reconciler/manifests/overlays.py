"""Overlays by kind + name, and `${var.NAME}` substitution.

`${var.NAME}` (`$${` writes a literal `${`) cannot collide with the `{{ }}` of notification
templates.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any

from .locate import name_of
from .problems import Problems
from .suggest import did_you_mean
from .yamlsource import Loc, Node

# Keys that exclude each other: an overlay that sets one drops the other from its base.
_EXCLUSIVE = {
    "target": ("zones",),
    "zones": ("target",),
    "externalMetric": ("nativeMetric", "native_metric"),
    "external_metric": ("nativeMetric", "native_metric"),
    "nativeMetric": ("externalMetric", "external_metric"),
    "native_metric": ("externalMetric", "external_metric"),
}

#: Text that substitution may build in one environment: each file is capped at 5 MB, but a long
#: variable referenced through thousands of aliases would otherwise build gigabytes.
MAX_EXPANSION = 20_000_000

_VAR = re.compile(r"\$\$\{|\$\{var\.([A-Za-z_][A-Za-z0-9_]*)\}|\$\{var\b[^}]*\}?")


def overlay(base: Node, child: Node, kind: str) -> Node:
    """The child's fields over the base's (see the module docstring); mutates and returns base."""
    target = base.mapping()
    assert base.key_locs is not None and child.key_locs is not None
    for key, value in child.mapping().items():
        for other in _EXCLUSIVE.get(key, ()):
            if other in target:
                del target[other]
                base.key_locs.pop(other, None)
        existing = target.get(key)
        if (
            kind == "profiles"
            and key == "metrics"
            and existing is not None
            and isinstance(existing.value, list)
            and isinstance(value.value, list)
        ):
            _merge_by_name(existing, value)
        elif existing is not None and existing.is_mapping and value.is_mapping:
            overlay(existing, value, "")
        else:
            target[key] = value
            base.key_locs[key] = child.key_locs[key]
    return base


def _merge_by_name(base: Node, child: Node) -> None:
    assert isinstance(base.value, list) and isinstance(child.value, list)
    by_name = {name: item for item in base.value if (name := name_of(item)) is not None}
    for item in child.value:
        name = name_of(item)
        existing = by_name.get(name) if name is not None else None
        if existing is not None and existing.is_mapping and item.is_mapping:
            overlay(existing, item, "")
        else:
            base.value.append(item)


def substitute(node: Node, path: str, variables: Mapping[str, Any], problems: Problems) -> None:
    value = node.value
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "name" and isinstance(child.value, str) and "${" in child.value:
                # Names are identities: overlays, duplicates and references match them as written.
                problems.add(
                    child.loc,
                    f"{path}.name",
                    "a name cannot contain '${': names are matched exactly as written "
                    "(variables are not substituted in names)",
                )
                continue
            substitute(child, f"{path}.{key}", variables, problems)
        return
    if isinstance(value, list):
        for index, child in enumerate(value):
            label = name_of(child)
            substitute(
                child, f"{path}[{label if label is not None else index}]", variables, problems
            )
        return
    if not isinstance(value, str) or "${" not in value:
        return
    problems.substituted[node.loc] = value
    whole = _VAR.fullmatch(value)
    if whole is not None and whole.group(1) is not None and whole.group(1) in variables:
        node.value = variables[whole.group(1)]  # keeps the variable's type (int, bool…)
        return
    if problems.expanded > MAX_EXPANSION:
        return  # already refused, once
    problems.expanded += len(value) + sum(
        len(str(variables.get(m.group(1), ""))) for m in _VAR.finditer(value) if m.group(1)
    )
    if problems.expanded > MAX_EXPANSION:
        problems.add(
            node.loc,
            path,
            f"variables expand to more than {MAX_EXPANSION} characters in total (a long "
            "variable repeated through aliases?); refusing to substitute further",
        )
        return
    node.value = _VAR.sub(lambda m: _replace(m, node.loc, path, variables, problems), value)


def _replace(
    match: re.Match[str], loc: Loc, path: str, variables: Mapping[str, Any], problems: Problems
) -> str:
    token = match.group(0)
    if token == "$${":
        return "${"
    name = match.group(1)
    if name is None:
        problems.add(
            loc,
            path,
            f"malformed variable reference {token!r}; "
            "write ${var.NAME} (or $${ for a literal ${)",
        )
        return token
    if name not in variables:
        names = sorted(itertools.islice(variables, 20)) + (["…"] if len(variables) > 20 else [])
        known = ", ".join(names) or "none defined"
        problems.add(
            loc,
            path,
            f"unknown variable {name!r}{did_you_mean(name, variables)}; "
            f"variables come from environment.yaml (known: {known})",
        )
        return token
    value = variables[name]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
