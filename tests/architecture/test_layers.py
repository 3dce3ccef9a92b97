"""House rules checked on the source: imports go one way, no cycles, small modules.

Every import counts, also those inside functions and under TYPE_CHECKING: a cycle hidden in a
function body is still a cycle a reader has to untangle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "reconciler"
MAX_LINES = 500

#: Each unit's rank: a module may import from its own unit or from units of a lower rank.
#: The data flows manifests -> reconcile -> output -> commands; the client, the emulator and the
#: shared vocabulary sit below everything that uses them.
RANKS = {
    "errors": 0,
    "kinds": 1,
    "scoring": 1,
    "gcpause": 1,
    "extras": 1,
    "distribution": 0,
    "client": 2,
    "emulator": 3,
    "manifests": 3,
    "connect": 4,
    "reconcile": 4,
    "push": 4,
    "scaffold": 4,
    "agent_view": 4,  # scorecards and leaderboards read back from the org, like the push
    "output": 5,
    "commands": 6,
    "cli": 7,
    "__main__": 8,
    "": 9,  # the package's own __init__: the public names
}


def module_name(path: Path) -> str:
    parts = ["reconciler", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported(name: str, path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """(module, line) for every reconciler module that `name` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("reconciler"):
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if not target.startswith("reconciler"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield (sub if sub in known else target), node.lineno


def unit(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {
        name: {target for target, _ in imported(name, path, known) if target != name}
        for name, path in found.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_every_unit_has_a_rank() -> None:
    assert {unit(name) for name in modules()} <= set(RANKS)


def test_no_import_cycles() -> None:
    # A package's __init__ re-exports its modules; an edge into it from its own modules would be
    # a cycle through the package, so those count as well.
    assert cycles(graph()) == []


def test_imports_never_run_up_the_layers() -> None:
    found = modules()
    known = set(found)
    upward = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {name} imports {target}"
        for name, path in found.items()
        for target, line in imported(name, path, known)
        if unit(target) != unit(name) and RANKS[unit(target)] >= RANKS[unit(name)]
    ]
    assert upward == []


def test_no_module_over_the_limit() -> None:
    long = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


# The checks above must be able to fail: each is run here on a small tree that breaks it.


def test_cycle_detection_finds_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from ..manifests.loader import load\n", ("reconciler.manifests.loader", 1)),
        ("from .. import errors\n", ("reconciler.errors", 1)),
        ("def f():\n    from ..output import render\n", ("reconciler.output.render", 2)),
        ("import reconciler.kinds\n", ("reconciler.kinds", 1)),
    ],
)
def test_imports_are_resolved(tmp_path: Path, source: str, expected: tuple[str, int]) -> None:
    path = tmp_path / "planner.py"
    path.write_text(source)
    known = {"reconciler.manifests.loader", "reconciler.errors", "reconciler.output.render"}
    assert list(imported("reconciler.reconcile.planner", path, known)) == [expected]
