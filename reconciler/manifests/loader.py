"""Load one environment's manifests into a `Manifest`, or report every problem found.

    environments/<env>/environment.yaml   target, policy, variables, optional `extends: <env>`
    environments/<env>/*.yaml             resource files: `externalMetrics:`, `profiles:`,
                                          `achievements:` lists (any split across files)

Steps, each collecting problems instead of stopping at the first:

1. resolve the `extends` chain (a folder without environment.yaml, such as `base`, is a
   resources-only layer; cycles and missing bases are errors);
2. read every resource file of every layer (yamlsource refuses unsafe or malformed YAML);
3. overlay layers by kind + name: the child wins per field, mappings merge deeply, a profile's
   `metrics` merge by metric name, other lists are replaced;
4. substitute `${var.NAME}` (`$${` writes a literal `${`) — a syntax that cannot collide with
   the `{{ }}` of notification templates;
5. validate each object with the pydantic models (this is the one module that touches
   pydantic's errors) and check names and cross-references.

Any problem raises `ManifestError` carrying all of them.
"""

from __future__ import annotations

import difflib
import itertools
import re
import types
import typing
from collections.abc import Collection, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from ..client.regions import REGIONS
from ..errors import ManifestError, Problem
from ..kinds import Kind
from .environment import Environment, Target
from .manifest import Manifest
from .models import NAME_PATTERN, Achievement, ExternalMetric, Profile, Resources
from .yamlsource import Loc, Node, SourceError, load_file

ENVIRONMENTS_DIR = "environments"
ENVIRONMENT_FILE = "environment.yaml"

_ENV_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")

#: Resource kinds as written in files -> (model, plan Kind), in dependency order.
KIND_MODELS: dict[str, tuple[type[BaseModel], Kind]] = {
    "externalMetrics": (ExternalMetric, Kind.EXTERNAL_METRIC),
    "profiles": (Profile, Kind.PROFILE),
    "achievements": (Achievement, Kind.ACHIEVEMENT),
}

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


#: Candidate comparisons that did-you-mean hints may make in one load. A hint costs a pass over
#: every candidate, so thousands of misses against thousands of names would take minutes.
MAX_SUGGESTION_WORK = 500_000
_suggestion_budget: ContextVar[list[int] | None] = ContextVar("_suggestion_budget", default=None)


def _afford(options: Collection[str]) -> bool:
    """Whether a hint over `options` fits the current load's budget (and spend it)."""
    budget = _suggestion_budget.get()
    if budget is None:
        return True
    if budget[0] < len(options):
        budget[0] = 0  # spent: later hints stop before even listing their candidates
        return False
    budget[0] -= len(options)
    return True


def _close_match(word: str, options: list[str], cutoff: float) -> str | None:
    if not _afford(options):
        return None
    close = difflib.get_close_matches(word, options, n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(word: str, candidates: Collection[str]) -> str:
    """` (did you mean 'x'?)` for the closest candidate, or an empty string."""
    if not _afford(candidates):
        return ""
    options = list(candidates)
    # A truncated key ("unitDef") means the longer key it starts, not the closest short one.
    prefixed = [c for c in options if len(word) >= 3 and c.lower().startswith(word.lower())]
    close = prefixed[:1] or difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass
class _Layer:
    name: str
    folder: Path
    settings: Node | None  # environment.yaml, None for a resources-only layer


@dataclass
class _Problems:
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


def _display(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def load(root: Path, env: str) -> Manifest:
    """Load environment `env` under `root/environments/` (see the module docstring).

    Also refuses what `validation.validate()` calls an error (lint RC0xx, broken templates), so
    plan/apply never send a manifest `validate` would reject; warnings do not stop a load.
    """
    from .validation import validate  # validation builds on this module

    manifest, problems = load_partial(root, env)
    if problems or manifest is None:
        raise ManifestError(problems)
    errors = [problem for problem in validate(manifest) if problem.severity == "error"]
    if errors:
        raise ManifestError(errors)
    return manifest


def load_partial(root: Path, env: str) -> tuple[Manifest | None, list[Problem]]:
    """See `_load_partial`; did-you-mean hints share one budget per call."""
    token = _suggestion_budget.set([MAX_SUGGESTION_WORK])
    try:
        return _load_partial(root, env)
    finally:
        _suggestion_budget.reset(token)


def _load_partial(root: Path, env: str) -> tuple[Manifest | None, list[Problem]]:
    """Like `load`, but returns the problems together with what did load.

    The manifest (None when the environment itself could not be read; with a stand-in
    `environment` when environment.yaml is invalid) then holds only the objects that are valid
    on their own, so validation can still check their templates and
    report everything in one run. Never plan from a partial manifest.
    """
    problems = _Problems()
    env_dir = root / ENVIRONMENTS_DIR
    if not _ENV_NAME.match(env) or ".." in env:
        problems.add(
            _display(root, env_dir),
            "",
            f"invalid environment name {env!r}: use letters, digits, '.', '-' and '_' only, "
            "starting with a letter or digit (no spaces, no path separators)",
        )
        return None, problems.items
    layers = _resolve_chain(root, env, problems)
    if problems.items:
        # The layers are unknown (environment.yaml unreadable, a missing base, a cycle …): still
        # read the environment's own resource files, so their YAML errors come in this run too.
        if (env_dir / env).is_dir():
            _read_layer(root, _Layer(env, env_dir / env, None), problems)
        return None, problems.items

    top = layers[-1]
    assert top.settings is not None
    environment = _validate_environment(top.settings, problems)
    variables: dict[str, Any] = {}
    for layer in layers:
        variables.update(_layer_variables(layer))

    merged: dict[str, dict[str, Node]] = {kind: {} for kind in KIND_MODELS}
    first_layer: dict[tuple[str, str], int] = {}  # which layer first declared each object
    for depth, layer in enumerate(layers):
        declared = _read_layer(root, layer, problems)
        for kind, objects in declared.items():
            for name, node in objects.items():
                base = merged[kind].get(name)
                first_layer.setdefault((kind, name), depth)
                merged[kind][name] = node if base is None else _overlay(base, node, kind)

    for kind, objects in merged.items():
        for name, node in objects.items():
            _substitute(node, f"{kind}[{name}]", variables, problems)

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
    _check_references(resources, merged, problems)
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
                for metric in _items(node.mapping().get("metrics")):
                    metric_name = _name_of(metric)
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
    budget = _suggestion_budget.get()
    if depth == 0 or (budget is not None and budget[0] <= 0):
        return None
    inherited = [n for (k, n), d in first_layer.items() if k == kind and d < depth]
    return _close_match(name, inherited, 0.8)


def locate(manifest: Manifest, kind: Kind | str, name: str, path: Iterable[str | int] = ()) -> Loc:
    """Where a field of a loaded object is written (the deepest part of `path` that exists).

    For a profile metric use kind `profileMetric` and name `Profile/Metric`.
    """
    key = (kind.value if isinstance(kind, Kind) else kind, name)
    node = locate_node(manifest, kind, name, path)
    if node is None:
        source = manifest.sources.get(key, "")
        file, _, line = source.rpartition(":")
        return Loc(file or source, int(line) if line.isdigit() else 0, 1)
    return node.loc


def locate_node(
    manifest: Manifest, kind: Kind | str, name: str, path: Iterable[str | int] = ()
) -> Node | None:
    """The located node of `locate()` (None for manifests built in code)."""
    node = manifest.located.get((kind.value if isinstance(kind, Kind) else kind, name))
    if node is None:
        return None
    current = node
    for part in path:
        value = current.value
        if isinstance(value, dict) and isinstance(part, str) and part in value:
            current = value[part]
            continue
        if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            current = value[part]
            continue
        break
    return current


# --- environments and layers ---------------------------------------------------------------


def _read(path: Path, root: Path, problems: _Problems) -> Node | None:
    try:
        return load_file(path, _display(root, path))
    except SourceError as error:
        problems.items.append(error.problem)
        return None


def _resolve_chain(root: Path, env: str, problems: _Problems) -> list[_Layer]:
    env_dir = root / ENVIRONMENTS_DIR
    layers: list[_Layer] = []
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
                via or _display(root, folder),
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
                    _display(root, folder),
                    "",
                    f"{name!r} has no {ENVIRONMENT_FILE}{hint}: it is a resources-only layer "
                    f"that environments extend, not an environment (environments: {names})",
                )
                break
            layers.append(_Layer(name, folder, None))
            break
        settings = _read(settings_path, root, problems)
        if settings is None:
            if not problems.items:  # an empty environment.yaml: let validation say what is missing
                settings = Node({}, Loc(_display(root, settings_path), 1, 1), {})
            else:
                break
        layers.append(_Layer(name, folder, settings))
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
        if not _ENV_NAME.match(extends.value):
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


def _validate_environment(settings: Node, problems: _Problems) -> Environment | None:
    try:
        environment = Environment.model_validate(settings.plain())
    except ValidationError as error:
        problems.items.extend(pydantic_problems(error, settings, Environment, ""))
        return None
    base_url = environment.target.base_url
    if base_url is not None and not _is_http_url(base_url):
        target = settings.mapping()["target"].mapping()
        problems.add(
            target["base_url"].loc,
            "target.base_url",
            f"must look like https://host[:port], not {base_url!r}",
        )
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


def _is_http_url(url: str) -> bool:
    """The rule the client applies when it connects, checked here with file and line."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in text


def _layer_variables(layer: _Layer) -> dict[str, Any]:
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


def _read_layer(root: Path, layer: _Layer, problems: _Problems) -> dict[str, dict[str, Node]]:
    """Every object the layer's resource files declare, by kind and name (unique per kind)."""
    declared: dict[str, dict[str, Node]] = {kind: {} for kind in KIND_MODELS}
    files = sorted([*layer.folder.glob("*.yaml"), *layer.folder.glob("*.yml")])
    for path in files:
        if path.name == ENVIRONMENT_FILE:
            continue
        # Anything else named *.yaml is read: a directory, a broken or looping link, an
        # unreadable file is an error, never a file silently left out of the desired state.
        document = _read(path, root, problems)
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
                name = _name_of(item)
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


def _name_of(node: Node) -> str | None:
    if isinstance(node.value, dict):
        name = node.value.get("name")
        if name is not None and isinstance(name.value, str) and name.value.strip():
            return name.value
    return None


def _items(node: Node | None) -> list[Node]:
    if node is None or not isinstance(node.value, list):
        return []
    return node.value


# --- overlays ---------------------------------------------------------------------------------


def _overlay(base: Node, child: Node, kind: str) -> Node:
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
            _overlay(existing, value, "")
        else:
            target[key] = value
            base.key_locs[key] = child.key_locs[key]
    return base


def _merge_by_name(base: Node, child: Node) -> None:
    assert isinstance(base.value, list) and isinstance(child.value, list)
    by_name = {name: item for item in base.value if (name := _name_of(item)) is not None}
    for item in child.value:
        name = _name_of(item)
        existing = by_name.get(name) if name is not None else None
        if existing is not None and existing.is_mapping and item.is_mapping:
            _overlay(existing, item, "")
        else:
            base.value.append(item)


# --- variables --------------------------------------------------------------------------------


def _substitute(node: Node, path: str, variables: Mapping[str, Any], problems: _Problems) -> None:
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
            _substitute(child, f"{path}.{key}", variables, problems)
        return
    if isinstance(value, list):
        for index, child in enumerate(value):
            label = _name_of(child)
            _substitute(
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
    match: re.Match[str], loc: Loc, path: str, variables: Mapping[str, Any], problems: _Problems
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


# --- references -------------------------------------------------------------------------------


#: Genesys's limit of external metric definitions per organization (genesys-api.md section 1.2).
MAX_EXTERNAL_METRICS = 50


def _check_references(
    resources: Resources, merged: dict[str, dict[str, Node]], problems: _Problems
) -> None:
    # Declared names, valid or not: an invalid definition is reported once, by itself.
    external = set(merged["externalMetrics"])
    if len(resources.external_metrics) > MAX_EXTERNAL_METRICS:
        extra = resources.external_metrics[MAX_EXTERNAL_METRICS]
        node = merged["externalMetrics"][extra.name]
        problems.add(
            node.mapping()["name"].loc,
            f"externalMetrics[{extra.name}]",
            f"{len(resources.external_metrics)} external metrics declared; Genesys allows "
            f"{MAX_EXTERNAL_METRICS} per organization",
        )
    # From the located nodes, so an invalid profile's metrics are checked in the same run.
    for profile_name, node in merged["profiles"].items():
        seen: set[str] = set()
        for metric_node in _items(node.mapping().get("metrics")):
            name = _name_of(metric_node)
            if name is None:
                continue
            path = f"profiles[{profile_name}].metrics[{name}]"
            if name in seen:
                problems.add(
                    metric_node.mapping()["name"].loc,
                    f"{path}.name",
                    f"duplicate metric name {name!r} in this profile",
                )
            seen.add(name)
            fields = metric_node.mapping()
            ref = fields.get("externalMetric") or fields.get("external_metric")
            if ref is None or not isinstance(ref.value, str) or not ref.value.strip():
                continue  # a missing or mistyped value is the model's to report
            if ref.value not in external:
                problems.add(
                    ref.loc,
                    f"{path}.externalMetric",
                    f"external metric {ref.value!r} is not declared in this environment"
                    f"{did_you_mean(ref.value, external)}",
                )
    external_names = list(external)
    for achievement in resources.achievements:
        metric_name = achievement.trigger.metric
        if metric_name in external:
            continue
        # Not declared: a native metric (checked against the org at plan time) — unless it is
        # so close to a declared external metric that it is almost certainly a typo of one.
        close = _close_match(metric_name, external_names, 0.85)
        if close:
            node = merged["achievements"][achievement.name]
            trigger = node.mapping()["trigger"].mapping()
            problems.add(
                trigger["metric"].loc,
                f"achievements[{achievement.name}].trigger.metric",
                f"external metric {metric_name!r} is not declared in this environment "
                f"(did you mean {close!r}?)",
            )


# --- pydantic errors -> problems ------------------------------------------------------------


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
            label = _name_of(current)
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
