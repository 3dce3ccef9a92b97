"""Finding things in located nodes: where a loaded object's field is written, and its name."""

from __future__ import annotations

from collections.abc import Iterable

from ..kinds import Kind
from .manifest import Manifest
from .yamlsource import Loc, Node


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


def name_of(node: Node) -> str | None:
    if isinstance(node.value, dict):
        name = node.value.get("name")
        if name is not None and isinstance(name.value, str) and name.value.strip():
            return name.value
    return None


def items_of(node: Node | None) -> list[Node]:
    if node is None or not isinstance(node.value, list):
        return []
    return node.value
