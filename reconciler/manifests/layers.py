"""Environments and their layers: the `extends` chain, environment.yaml, each layer's objects."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..client.regions import REGIONS
from ..client.urls import base_url_problem
from .environment import ENVIRONMENT_FILE, ENVIRONMENTS_DIR, Environment
from .locate import name_of
from .models import KIND_MODELS
from .problems import Problems, pydantic_problems
from .suggest import did_you_mean
from .yamlsource import Loc, Node, SourceError, load_file

ENV_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


def list_environments(root: Path) -> list[str]:
    """Names of the folders under `environments/` that hold an environment.yaml.

    Hidden folders are skipped; a folder whose name is not a valid environment name is listed
    (loading it reports the name), so `validate --all` never silently leaves one out.
    """
    folder = root / ENVIRONMENTS_DIR
    if not folder.is_dir():
        return []
    return sorted(
        child.name
        for child in folder.iterdir()
        if child.is_dir()
        and not child.name.startswith(".")
        and ((child / ENVIRONMENT_FILE).is_file() or (child / ENVIRONMENT_FILE).is_symlink())
    )


@dataclass
class Layer:
    name: str
    folder: Path
    settings: Node | None  # environment.yaml, None for a resources-only layer


def display_path(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_yaml(path: Path, root: Path, problems: Problems) -> Node | None:
    try:
        return load_file(path, display_path(root, path))
    except SourceError as error:
        problems.items.append(error.problem)
        return None


def resolve_chain(root: Path, env: str, problems: Problems) -> list[Layer]:
    env_dir = root / ENVIRONMENTS_DIR
    layers: list[Layer] = []
    seen = [env]
    name = env
    via: Loc | None = None
    while True:
        folder = env_dir / name
        settings_path = folder / ENVIRONMENT_FILE
        if not folder.is_dir():
            known = list_environments(root)
            hint = did_you_mean(name, known) or (
                f" (known: {', '.join(known)})" if known else " (no environments/ folder found)"
            )
            what = "base" if via is not None else "environment"
            problems.add(
                via or display_path(root, folder),
                "extends" if via else "",
                f"no such {what} {name!r}{hint}",
            )
            break
        if not (settings_path.is_file() or settings_path.is_symlink() or settings_path.exists()):
            if via is None:
                names = ", ".join(list_environments(root)) or "none"
                misnamed = [
                    p.name
                    for p in sorted(folder.glob("*"))
                    if p.name.lower() in ("environment.yaml", "environment.yml")
                ]
                hint = f" (rename {misnamed[0]} to {ENVIRONMENT_FILE})" if misnamed else ""
                problems.add(
                    display_path(root, folder),
                    "",
                    f"{name!r} has no {ENVIRONMENT_FILE}{hint}: it is a resources-only layer "
                    f"that environments extend, not an environment (environments: {names})",
                )
                break
            layers.append(Layer(name, folder, None))
            break
        settings = read_yaml(settings_path, root, problems)
        if settings is None:
            if not problems.items:  # an empty environment.yaml: let validation say what is missing
                settings = Node({}, Loc(display_path(root, settings_path), 1, 1), {})
            else:
                break
        layers.append(Layer(name, folder, settings))
        extends = settings.mapping().get("extends")
        if extends is None or extends.value is None:
            break
        if not isinstance(extends.value, str):
            problems.add(
                extends.loc,
                "extends",
                f"must be the name of one folder under environments/ (text), got "
                f"{extends.plain()!r}",
            )
            break
        if not ENV_NAME.match(extends.value):
            problems.add(
                extends.loc,
                "extends",
                f"invalid base name {extends.value!r}: name a folder under environments/ "
                "(no path separators)",
            )
            break
        if extends.value in seen:
            cycle = " -> ".join([*seen, extends.value])
            problems.add(extends.loc, "extends", f"extends cycle: {cycle}")
            break
        seen.append(extends.value)
        via = extends.loc
        name = extends.value
    return list(reversed(layers))


def validate_environment(settings: Node, problems: Problems) -> Environment | None:
    try:
        environment = Environment.model_validate(settings.plain())
    except ValidationError as error:
        problems.items.extend(pydantic_problems(error, settings, Environment, ""))
        return None
    base_url = environment.target.base_url
    problem = base_url_problem(base_url) if base_url is not None else None
    if problem is not None:
        target = settings.mapping()["target"].mapping()
        problems.add(target["base_url"].loc, "target.base_url", problem)
    region = environment.target.region
    if region is not None and region.strip().lower().replace("_", "-") not in REGIONS:
        target = settings.mapping()["target"].mapping()
        problems.add(
            target["region"].loc,
            "target.region",
            f"unknown Genesys Cloud region {region!r}{did_you_mean(region, REGIONS)} "
            f"(regions: {', '.join(REGIONS)})",
        )
    return environment


def layer_variables(layer: Layer) -> dict[str, Any]:
    if layer.settings is None:
        return {}
    node = layer.settings.mapping().get("variables")
    if node is None or not isinstance(node.value, dict):
        return {}
    return {
        key: child.value
        for key, child in node.value.items()
        if not isinstance(child.value, (dict, list))
    }


def read_layer(root: Path, layer: Layer, problems: Problems) -> dict[str, dict[str, Node]]:
    """Every object the layer's resource files declare, by kind and name (unique per kind)."""
    declared: dict[str, dict[str, Node]] = {kind: {} for kind in KIND_MODELS}
    files = sorted([*layer.folder.glob("*.yaml"), *layer.folder.glob("*.yml")])
    for path in files:
        if path.name == ENVIRONMENT_FILE:
            continue
        # Anything else named *.yaml is read: a directory, a broken or looping link, an
        # unreadable file is an error, never a file silently left out of the desired state.
        document = read_yaml(path, root, problems)
        if document is None:
            continue
        assert document.key_locs is not None
        for kind, items in document.mapping().items():
            key_loc = document.key_locs[kind]
            if kind not in KIND_MODELS:
                problems.add(
                    key_loc,
                    kind,
                    f"unknown kind {kind!r}; a resource file holds "
                    f"{', '.join(KIND_MODELS)}{did_you_mean(kind, KIND_MODELS)}",
                )
                continue
            if items.value is None:
                continue
            if not isinstance(items.value, list):
                problems.add(
                    items.loc, kind, "must be a list of objects (each starting with '- name:')"
                )
                continue
            for index, item in enumerate(items.value):
                name = name_of(item)
                if not isinstance(item.value, dict):
                    problems.add(item.loc, f"{kind}[{index}]", "must be a mapping with a name")
                    continue
                if name is None:
                    problems.add(
                        item.loc, f"{kind}[{index}].name", "every object needs a name (text)"
                    )
                    continue
                first = declared[kind].get(name)
                if first is not None:
                    problems.add(
                        item.mapping()["name"].loc,
                        f"{kind}[{name}].name",
                        f"duplicate name {name!r}: already declared at "
                        f"{first.loc.file}:{first.loc.line} (names are unique per kind; "
                        "an overlay belongs in the extending environment)",
                    )
                    continue
                declared[kind][name] = item
    return declared
