"""Located problems: the collector a load fills, and pydantic's errors translated into it.

The one module that touches pydantic's error details.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from .environment import ENVIRONMENT_FILE, Environment
from .locate import name_of
from .models import KIND_MODELS, NAME_PATTERN
from .suggest import did_you_mean
from .yamlsource import Loc, Node


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)
    #: Where a `${var.…}` was substituted -> the text as written, so a value the models refuse
    #: is reported with the reference it came from.
    substituted: dict[Loc, str] = field(default_factory=dict)
    #: Characters that substitution inside longer text has produced so far (see MAX_EXPANSION).
    expanded: int = 0

    def with_origin(self, found: list[Problem]) -> list[Problem]:
        out = []
        for problem in found:
            written = self.substituted.get(
                Loc(problem.file, problem.line or 0, problem.column or 0)
            )
            if written is not None:
                problem = replace(problem, message=f"{problem.message} (from {written!r})")
            out.append(problem)
        return out

    def add(self, where: Loc | str, path: str, message: str, *, rule: str | None = None) -> None:
        if isinstance(where, Loc):
            self.items.append(
                Problem(where.file, where.line, where.column, path, message, rule=rule)
            )
        else:
            self.items.append(Problem(where, None, None, path, message, rule=rule))


_CHANNEL_HINT = (
    "is required: every notification channel (toast, email, push) must be explicit, "
    "because tenant defaults drift between environments"
)

_REQUIRED_HINTS = {
    "scope_type": "scope_type is required (ONCE, DAILY, WEEKLY, MONTHLY or ALL_TIME): "
    "without it tenant defaults decide, and they drift between environments",
    "toast": f"toast {_CHANNEL_HINT}",
    "email": f"email {_CHANNEL_HINT}",
    "push": f"push {_CHANNEL_HINT}",
}

_INTEGER_ERRORS = {"int_from_float", "int_parsing", "int_type"}


def pydantic_problems(
    error: ValidationError, node: Node, model: type[BaseModel], prefix: str
) -> list[Problem]:
    """Translate a pydantic ValidationError on `node`'s data into located Problems."""
    found: list[Problem] = []
    for detail in error.errors(include_url=False):
        loc = tuple(detail["loc"])
        current, key_loc, path, matched = _walk(node, loc, prefix)
        kind = detail["type"]
        message = str(detail["msg"]).removeprefix("Value error, ")
        rule = None
        where = current.loc
        if kind == "extra_forbidden" and matched == len(loc) and key_loc is not None:
            key = str(loc[-1])
            allowed = _keys_of(_model_at(model, loc[:-1]))
            message = f"unknown key {key!r}{did_you_mean(key, allowed)}"
            if model is Environment and key in KIND_MODELS and len(loc) == 1:
                message += (
                    f": resources go in their own files next to {ENVIRONMENT_FILE} "
                    "(e.g. resources.yaml)"
                )
            where = key_loc
        elif loc[-1:] == ("[key]",) and key_loc is not None:
            where = key_loc
            if loc[0] == "variables":
                message = (
                    f"invalid variable name {loc[-2]!r}: use letters, digits and '_', not "
                    "starting with a digit (it is referenced as ${var.NAME})"
                )
        elif kind == "missing":
            missing = str(loc[-1])
            path = f"{path}.{missing}" if path else missing
            message = _REQUIRED_HINTS.get(missing, f"{missing} is required")
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            keys = _keys_of(_model_at(model, loc))
            message = f"must be a mapping, got {_describe(detail.get('input'))}" + (
                f" (keys: {', '.join(keys)})" if keys else ""
            )
        elif kind == "string_pattern_mismatch" and detail.get("ctx", {}).get("pattern") in (
            NAME_PATTERN,
            r"\S",
        ):
            message = (
                "must not be blank"
                if str(detail.get("input", "")).strip() == ""
                else "must be one line of text without control characters (tab, newline …), "
                f"got {detail.get('input')!r}"
            )
        elif kind == "string_pattern_mismatch" and detail.get("ctx", {}).get("pattern") == "^/":
            message = f"must be a path starting with '/', got {detail.get('input')!r}"
        elif kind in ("too_long", "too_short"):
            bound = "most" if kind == "too_long" else "least"
            limit = detail.get("ctx", {}).get("max_length" if kind == "too_long" else "min_length")
            actual = detail.get("ctx", {}).get("actual_length")
            message = f"at {bound} {limit} item(s) allowed, got {actual}"
        elif kind in ("tuple_type", "list_type"):
            message = f"must be a list, got {_describe(detail.get('input'))}"
        elif kind in ("enum", "literal_error") and isinstance(detail.get("input"), str):
            options = re.findall(r"'([^']*)'", str(detail.get("ctx", {}).get("expected", "")))
            message = f"{message}, got {detail['input']!r}{did_you_mean(detail['input'], options)}"
        elif kind in _INTEGER_ERRORS and any(part in ("target", "zones") for part in loc):
            rule = "RC002"
            message = (
                f"must be an integer, got {detail.get('input')!r}: objective targets and zone "
                "limits are integers in the Genesys API"
            )
        found.append(Problem(where.file, where.line, where.column, path, message, rule=rule))
    return _merge_alternatives(found)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def _merge_alternatives(found: list[Problem]) -> list[Problem]:
    """One problem per value: pydantic reports each branch of a union (str | int | …) apart."""
    out: list[Problem] = []
    index: dict[tuple[str, int | None, int | None, str], int] = {}
    expect = "Input should be "
    for problem in found:
        key = (problem.file, problem.line, problem.column, problem.path)
        at = index.get(key)
        if (
            at is not None
            and out[at].message.startswith(expect)
            and problem.message.startswith(expect)
        ):
            extra = problem.message.removeprefix(expect)
            out[at] = Problem(*key, f"{out[at].message} or {extra}", rule=out[at].rule)
            continue
        index.setdefault(key, len(out))
        out.append(problem)
    return out


def _walk(node: Node, loc: tuple[Any, ...], prefix: str) -> tuple[Node, Loc | None, str, int]:
    current = node
    key_loc: Loc | None = None
    path = prefix
    matched = 0
    for part in loc:
        value = current.value
        if isinstance(value, dict) and isinstance(part, str) and part in value:
            key_loc = (current.key_locs or {}).get(part)
            current = value[part]
            path = f"{path}.{part}" if path else part
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            current = value[part]
            label = name_of(current)
            path = f"{path}[{label if label is not None else part}]"
            key_loc = None
        else:
            break
        matched += 1
    return current, key_loc, path, matched


def _model_at(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> type[BaseModel] | None:
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        info = next(
            (f for n, f in model.model_fields.items() if part in (n, f.alias)),
            None,
        )
        if info is None:
            return None
        model = _inner_model(info.annotation)
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None


def _keys_of(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]
