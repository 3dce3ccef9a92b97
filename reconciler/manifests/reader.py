"""Read one environment's layers into a (possibly partial) `Manifest` and every problem found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import Problem
from ..kinds import Kind
from .environment import ENVIRONMENTS_DIR, Environment, Target
from .layers import (
    ENV_NAME,
    Layer,
    display_path,
    layer_variables,
    read_layer,
    resolve_chain,
    validate_environment,
)
from .locate import items_of, name_of
from .manifest import Manifest
from .models import KIND_MODELS, Resources
from .overlays import overlay, substitute
from .problems import Problems, pydantic_problems
from .references import check_references
from .suggest import MAX_SUGGESTION_WORK, close_match, suggestion_budget
from .yamlsource import Node


def load_partial(root: Path, env: str) -> tuple[Manifest | None, list[Problem]]:
    """See `_load_partial`; did-you-mean hints share one budget per call."""
    token = suggestion_budget.set([MAX_SUGGESTION_WORK])
    try:
        return _load_partial(root, env)
    finally:
        suggestion_budget.reset(token)


def _load_partial(root: Path, env: str) -> tuple[Manifest | None, list[Problem]]:
    """Like `load`, but returns the problems together with what did load.

    The manifest (None when the environment itself could not be read; with a stand-in
    `environment` when environment.yaml is invalid) then holds only the objects that are valid
    on their own, so validation can still check their templates and
    report everything in one run. Never plan from a partial manifest.
    """
    problems = Problems()
    env_dir = root / ENVIRONMENTS_DIR
    if not ENV_NAME.match(env) or ".." in env:
        problems.add(
            display_path(root, env_dir),
            "",
            f"invalid environment name {env!r}: use letters, digits, '.', '-' and '_' only, "
            "starting with a letter or digit (no spaces, no path separators)",
        )
        return None, problems.items
    layers = resolve_chain(root, env, problems)
    if problems.items:
        # The layers are unknown (environment.yaml unreadable, a missing base, a cycle …): still
        # read the environment's own resource files, so their YAML errors come in this run too.
        if (env_dir / env).is_dir():
            read_layer(root, Layer(env, env_dir / env, None), problems)
        return None, problems.items

    top = layers[-1]
    assert top.settings is not None
    environment = validate_environment(top.settings, problems)
    variables: dict[str, Any] = {}
    for layer in layers:
        variables.update(layer_variables(layer))

    merged: dict[str, dict[str, Node]] = {kind: {} for kind in KIND_MODELS}
    first_layer: dict[tuple[str, str], int] = {}  # which layer first declared each object
    for depth, layer in enumerate(layers):
        declared = read_layer(root, layer, problems)
        for kind, objects in declared.items():
            for name, node in objects.items():
                base = merged[kind].get(name)
                first_layer.setdefault((kind, name), depth)
                merged[kind][name] = node if base is None else overlay(base, node, kind)

    for kind, objects in merged.items():
        for name, node in objects.items():
            substitute(node, f"{kind}[{name}]", variables, problems)

    built: dict[str, list[Any]] = {kind: [] for kind in KIND_MODELS}
    for kind, objects in merged.items():
        model, _ = KIND_MODELS[kind]
        for name, node in objects.items():
            try:
                built[kind].append(model.model_validate(node.plain()))
            except ValidationError as error:
                found = pydantic_problems(error, node, model, f"{kind}[{name}]")
                problems.items.extend(problems.with_origin(found))
                meant = _meant_overlay(kind, name, first_layer)
                if meant is not None:
                    problems.add(
                        node.mapping()["name"].loc,
                        f"{kind}[{name}].name",
                        f"{name!r} matches no inherited object, so it is not an overlay; "
                        f"did you mean {meant!r}? (overlays match by exact name)",
                    )

    resources = Resources(
        external_metrics=tuple(built["externalMetrics"]),
        profiles=tuple(built["profiles"]),
        achievements=tuple(built["achievements"]),
    )
    check_references(resources, merged, problems)
    if environment is None:
        # environment.yaml is invalid (already reported): keep the resources so their templates
        # are still checked in this run, under a stand-in that no command can plan from.
        environment = Environment(target=Target(base_url="http://invalid.invalid"))

    sources: dict[tuple[str, str], str] = {}
    located: dict[tuple[str, str], Node] = {}
    for kind, objects in merged.items():
        plan_kind = KIND_MODELS[kind][1]
        for name, node in objects.items():
            sources[(plan_kind.value, name)] = f"{node.loc.file}:{node.loc.line}"
            located[(plan_kind.value, name)] = node
            if kind == "profiles":
                for metric in items_of(node.mapping().get("metrics")):
                    metric_name = name_of(metric)
                    if metric_name is not None:
                        key = (Kind.PROFILE_METRIC.value, f"{name}/{metric_name}")
                        sources[key] = f"{metric.loc.file}:{metric.loc.line}"
                        located[key] = metric
    manifest = Manifest(
        name=env,
        root=root,
        environment=environment,
        resources=resources,
        sources=sources,
        located=located,
    )
    return manifest, problems.items


def _meant_overlay(kind: str, name: str, first_layer: dict[tuple[str, str], int]) -> str | None:
    """For an invalid object new in an extending layer: the inherited name it nearly matches.

    Such an object was most likely meant as an overlay; computed only for invalid objects.
    """
    depth = first_layer.get((kind, name), 0)
    budget = suggestion_budget.get()
    if depth == 0 or (budget is not None and budget[0] <= 0):
        return None
    inherited = [n for (k, n), d in first_layer.items() if k == kind and d < depth]
    return close_match(name, inherited, 0.8)
