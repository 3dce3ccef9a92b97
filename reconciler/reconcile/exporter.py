"""The live org as manifests: onboard an existing org, or snapshot it for a nightly git diff.

Deterministic by construction: objects sorted by name, fields in the manifest's order, zones
and intervals in their normal order, no timestamps, names instead of ids (divisions, external
and native metrics), and the home division left implicit. The output goes through the same
normal forms the planner compares, so `export` then `plan` against the same org is empty.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import UsageError
from ..manifests.environment import Environment
from ..manifests.models import ObjectiveType
from ..manifests.objectives import expand
from ..manifests.schemas import ENVIRONMENT, RESOURCES, modeline
from . import normalize
from .live import LiveState
from .resources.achievements import live_achievement
from .resources.external_metrics import live_external_metric
from .resources.profile_metrics import live_profile_metric
from .resources.profiles import live_profile

#: First line of every file export writes: how it recognises its own files.
MARK = "# Written by reconciler export"

#: File name per kind, as the shipped environments name them.
FILES = {
    "externalMetrics": "external-metrics.yaml",
    "profiles": "profiles.yaml",
    "achievements": "achievements.yaml",
}


def _clean(data: Any) -> Any:
    """Drop None values (unset optional fields) recursively; escape text as it is loaded back.

    Live text is literal, but the loader substitutes `${var.NAME}` in manifests: every `${`
    is written as `$${` (the loader's literal `${`), so the text survives the round trip.
    """
    if isinstance(data, Mapping):
        return {k: _clean(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_clean(item) for item in data]
    if isinstance(data, str):
        return data.replace("${", "$${")
    return data


def _value(number: Any) -> Any:
    # Trigger values are floats in the normal form; write 50 rather than 50.0 when whole.
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number


def as_target(zones: list[dict[str, Any]], default: ObjectiveType | None) -> dict[str, Any] | None:
    """The `target` shorthand that expands to exactly `zones`, if there is one.

    Keeps exports as readable as hand-written manifests; anything the shorthand cannot express
    stays as explicit zones. `direction` is written only when it differs from `default`.
    """
    if not zones:
        return None
    first = zones[0]
    kinds = (ObjectiveType.HIGHER_IS_BETTER, ObjectiveType.LOWER_IS_BETTER)
    for kind in kinds:
        value = first.get("upperLimitValue")
        points = first.get(
            "upperLimitPoints" if kind is ObjectiveType.HIGHER_IS_BETTER else "lowerLimitPoints"
        )
        if not isinstance(value, int) or not isinstance(points, int) or value < 0 or points < 0:
            continue
        expanded = [
            zone.model_dump(mode="json", by_alias=True) for zone in expand(value, points, kind)
        ]
        if normalize.sort_zones(expanded) == zones:
            target: dict[str, Any] = {"value": value, "points": points}
            if kind is not default:
                target["direction"] = kind.value
            return target
    return None


def resources(live: LiveState) -> dict[str, list[dict[str, Any]]]:
    """Manifest-shaped resources (plain data, manifest field names) of everything live holds."""
    lookup = live.lookup()
    metrics = [live_external_metric(raw) for raw in live.external_metrics or []]
    profiles = []
    for raw in live.profiles or []:
        form = live_profile(raw, lookup)
        if form["division"] == lookup.home_division:
            form["division"] = None  # the home division is the default: stays portable
        form.pop("profile", None)
        members = []
        for metric_raw in live.profile_metrics.get(str(raw.get("id")), []):
            metric = live_profile_metric(str(form["name"]), metric_raw, lookup)
            metric.pop("profile")
            default = lookup.objective_types.get(str(metric["externalMetric"]))
            target = as_target(metric["zones"], default if metric["externalMetric"] else None)
            if target is not None:
                metric.pop("zones")
                metric["target"] = target
            members.append(metric)
        form["metrics"] = sorted(members, key=lambda m: str(m["name"]))
        profiles.append(form)
    achievements = []
    for raw in live.achievements or []:
        form = live_achievement(raw, lookup)
        form["trigger"]["value"] = _value(form["trigger"]["value"])
        achievements.append(form)
    result = {
        "externalMetrics": _clean(sorted(metrics, key=lambda m: str(m["name"]))),
        "profiles": _clean(sorted(profiles, key=lambda p: str(p["name"]))),
    }
    # Not read (not managed here, or the org has no such API): an empty list would read as
    # "the org has none" and, promoted, as "remove them all".
    if live.achievements is not None:
        result["achievements"] = _clean(sorted(achievements, key=lambda a: str(a["name"])))
    return result


def dangling(live: LiveState) -> list[str]:
    """Live references to metrics the org no longer has: exported as-is, they cannot load.

    An admin (or another tool) deleted a metric a profile metric or an achievement still
    points at; the export keeps the object (leaving it out would read as "remove it") and the
    caller warns, so the user fixes it before using the export.
    """
    found = []
    for kind, items in resources(live).items():
        for item in items:
            members = [(f"{item['name']}/{m['name']}", m) for m in item.get("metrics", [])]
            for address, data in members or [(str(item["name"]), item)]:
                for key in ("externalMetric", "nativeMetric"):
                    if str(data.get(key, "")).startswith("<unknown"):
                        found.append(f"profile metric {address!r} measures {data[key]}")
                metric = (data.get("trigger") or {}).get("metric", "")
                if kind == "achievements" and str(metric).startswith("<unknown"):
                    found.append(f"achievement {address!r} triggers on {metric}")
    return found


def duplicates(live: LiveState) -> list[str]:
    """Names several live objects of one kind share: the export cannot load until resolved."""
    found = []
    for kind, items in resources(live).items():
        groups = [(kind, [str(item["name"]) for item in items])]
        groups += [
            (f"metrics of profile {item['name']!r}", [str(m["name"]) for m in item["metrics"]])
            for item in items
            if kind == "profiles"
        ]
        for what, names in groups:
            counts = Counter(names)
            found += [
                f"{n} {what} are named {name!r}" for name, n in sorted(counts.items()) if n > 1
            ]
    return found


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _header(source_env: str) -> str:
    return f"{MARK} from environment {source_env!r}.\n"


def render_files(live: LiveState, source_env: str) -> dict[str, str]:
    """File name -> YAML text, one file per kind read (so re-exports overwrite)."""
    header = _header(source_env) + "# Names, not ids: this file can be promoted to another org.\n"
    return {FILES[kind]: header + dump({kind: items}) for kind, items in resources(live).items()}


def environment_file(environment: Environment, source_env: str) -> str:
    """An environment.yaml for the export: same target and settings, no `extends`."""
    data = environment.model_dump(mode="json", exclude_defaults=True, exclude={"extends"})
    return _header(source_env) + dump(data)


def _written_by_export(path: Path) -> bool:
    try:
        # The mark follows the schema modeline, which editors expect on the first line.
        with path.open(encoding="utf-8") as file:
            return any(file.readline().startswith(MARK) for _ in range(2))
    except (OSError, UnicodeDecodeError):
        return False  # a folder, a broken link, unreadable: not ours to overwrite


def check_folder(out: Path) -> None:
    """Refuse a folder holding any YAML the export did not write itself (exit 4, file named).

    Hand-written manifests carry comments and `${var.NAME}` references an export cannot
    reproduce; overwriting them (or merging the export with them) would lose both. What the
    export writes starts with `MARK`, so re-exporting over an earlier export is allowed.
    """
    if not out.is_dir():
        return
    for path in sorted(out.iterdir()):
        if path.suffix in (".yaml", ".yml") and not _written_by_export(path):
            raise UsageError(
                f"{path} was not written by reconciler export (its first lines do not hold "
                f"{MARK!r}); export never overwrites or mixes with hand-written manifests: "
                "export to an empty folder or over an earlier export"
            )


def write(
    out: Path, live: LiveState, source_env: str, environment: Environment, schemas: Path
) -> list[Path]:
    """Write the export to `out`; an existing environment.yaml there is kept.

    Each file starts with a modeline naming its schema in `schemas`, relative to `out`, so an
    editor validates the export wherever the repository is cloned.
    """
    check_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    resources_line = modeline(schemas / RESOURCES, out)
    for name, text in render_files(live, source_env).items():
        (out / name).write_text(f"{resources_line}\n{text}")
        written.append(out / name)
    settings = out / "environment.yaml"
    if not settings.exists():
        environment_line = modeline(schemas / ENVIRONMENT, out)
        settings.write_text(f"{environment_line}\n{environment_file(environment, source_env)}")
        written.append(settings)
    return written
