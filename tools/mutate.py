"""Mutation testing: does some test fail when a module is subtly wrong? (docs/mutation.md)

Each mutant is one small change (an operator swapped, a condition negated, a constant bumped,
a statement dropped) applied alone to one module in a temporary copy of the repository, where
the module's tests then run (PYTHONPATH points at the copy: the checkout is never written to).
A mutant no test notices ("survived") is a bug CI would let through. Pure standard library.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import Queue
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENTS = ROOT / "docs" / "mutation.md"

#: Module -> the fast tests that guard it. Paths move with the code layout: update them here.
PLANNER_TESTS = ["tests/reconcile/test_planner.py"]
NORMAL_FORM_TESTS = [
    "tests/reconcile/test_normalize.py",
    "tests/reconcile/test_payloads.py",
    *PLANNER_TESTS,
]
# A kind's module also holds its API payloads, which the applier's tests pin down.
RESOURCE_TESTS = [*NORMAL_FORM_TESTS, "tests/reconcile/test_applier.py"]
DEFAULT_TESTS: dict[str, list[str]] = {
    "reconciler/manifests/objectives.py": ["tests/manifests/test_objectives.py"],
    "reconciler/reconcile/planner.py": PLANNER_TESTS,
    "reconciler/reconcile/normalize.py": NORMAL_FORM_TESTS,
    "reconciler/reconcile/resources/external_metrics.py": RESOURCE_TESTS,
    "reconciler/reconcile/resources/profiles.py": RESOURCE_TESTS,
    "reconciler/reconcile/resources/profile_metrics.py": RESOURCE_TESTS,
    "reconciler/reconcile/resources/achievements.py": RESOURCE_TESTS,
    "reconciler/push/aggregate.py": ["tests/push/test_pure.py"],
    "reconciler/push/changes.py": ["tests/push/test_pure.py"],
    "reconciler/push/zones.py": ["tests/push/test_pure.py"],
    "reconciler/scoring.py": ["tests/scoring"],
}

SKIPPED = [".git", ".venv", "__pycache__", ".*_cache", ".gitlab-ci-local", "node_*", "*.egg-info"]

COMPARE: dict[type[ast.cmpop], list[type[ast.cmpop]]] = {
    ast.Eq: [ast.NotEq], ast.NotEq: [ast.Eq], ast.Is: [ast.IsNot], ast.IsNot: [ast.Is],
    ast.In: [ast.NotIn], ast.NotIn: [ast.In], ast.Lt: [ast.LtE, ast.GtE],
    ast.LtE: [ast.Lt, ast.Gt], ast.Gt: [ast.GtE, ast.LtE], ast.GtE: [ast.Gt, ast.Lt],
}  # fmt: skip
BINARY: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult, ast.Mod: ast.FloorDiv,
}  # fmt: skip
SYMBOL = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in",
    ast.NotIn: "not in", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Add: "+",
    ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
}  # fmt: skip
SWAPPED_CALLS = {"any": "all", "all": "any", "min": "max", "max": "min"}
NOT_ANALYSED = {"annotation", "returns", "type_comment", "decorator_list"}


@dataclass
class Site:
    """One possible mutation: where, what, and how to apply it to its (fresh) tree."""

    line: int
    qualname: str
    label: str
    apply: Callable[[], None]
    key: str = ""  # stable id: file:qualname:label#n, n counting same labels in that function


def _set(obj: object, attr: str, value: object) -> Callable[[], None]:
    return lambda: setattr(obj, attr, value)


def _put(items: list[Any], index: int, value: ast.AST) -> Callable[[], None]:
    return lambda: items.__setitem__(index, value)


def _expression_sites(node: ast.AST, qual: str, text: bool) -> Iterator[Site]:
    line = getattr(node, "lineno", 0)
    if isinstance(node, ast.Compare):
        for index, op in enumerate(node.ops):
            for new in COMPARE.get(type(op), []):
                ops = [*node.ops[:index], new(), *node.ops[index + 1 :]]
                label = f"{SYMBOL[type(op)]} -> {SYMBOL[new]}"
                yield Site(line, qual, label, _set(node, "ops", ops))
    elif isinstance(node, ast.BoolOp):
        new_op: ast.boolop = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        label = "and -> or" if isinstance(node.op, ast.And) else "or -> and"
        yield Site(line, qual, label, _set(node, "op", new_op))
    elif isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in BINARY:
        swapped = BINARY[type(node.op)]
        label = f"{SYMBOL[type(node.op)]} -> {SYMBOL[swapped]}"
        yield Site(line, qual, label, _set(node, "op", swapped()))
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in SWAPPED_CALLS:
            new_name = SWAPPED_CALLS[node.func.id]
            yield Site(line, qual, f"{node.func.id} -> {new_name}", _set(node.func, "id", new_name))
    elif isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        value = node.value
        new_value = (not value) if isinstance(value, bool) else _bumped(value)
        yield Site(line, qual, f"{value!r} -> {new_value!r}", _set(node, "value", new_value))
    elif isinstance(node, ast.Constant) and isinstance(node.value, str) and text:
        # Case swapped: still valid (a label stays non-empty) but no longer matches any part.
        changed = node.value.swapcase() if node.value.swapcase() != node.value else node.value + "X"
        yield Site(line, qual, "string changed", _set(node, "value", changed))
    if isinstance(node, ast.If | ast.While | ast.IfExp) and not _is_not(node.test):
        negated = ast.UnaryOp(ast.Not(), node.test)
        yield Site(line, qual, "condition negated", _set(node, "test", negated))


def _bumped(value: float) -> float:
    return 1 - value if value in (0, 1) else value + 1


def _is_not(test: ast.AST) -> bool:
    return isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)


def _child_sites(parent: ast.AST, field: str, child: ast.AST, qual: str) -> Iterator[Site]:
    """Mutations that replace `child` inside `parent` (they need the parent to do it)."""
    line = getattr(child, "lineno", 0)
    items = getattr(parent, field)
    index = items.index(child) if isinstance(items, list) else -1

    def replace(new: ast.AST) -> Callable[[], None]:
        return _put(items, index, new) if index >= 0 else _set(parent, field, new)

    if isinstance(parent, ast.comprehension) and field == "ifs" and not _is_not(child):
        assert isinstance(child, ast.expr)
        yield Site(line, qual, "filter negated", replace(ast.UnaryOp(ast.Not(), child)))
    if isinstance(child, ast.UnaryOp) and isinstance(child.op, ast.Not | ast.USub):
        label = "not removed" if isinstance(child.op, ast.Not) else "minus removed"
        yield Site(line, qual, label, replace(child.operand))
    returns = child.value if isinstance(child, ast.Return) else None
    if returns is not None and not (isinstance(returns, ast.Constant) and returns.value is None):
        yield Site(line, qual, "return None", _set(child, "value", ast.Constant(None)))
    bare_return = isinstance(child, ast.Return) and child.value is None
    call = isinstance(child, ast.Expr) and isinstance(child.value, ast.Call)
    if (bare_return or call or isinstance(child, ast.Continue | ast.Break)) and index >= 0:
        what = ast.unparse(child).split("(")[0]
        yield Site(line, qual, f"drop {what}", _put(items, index, ast.Pass()))


def _ignored(node: object) -> bool:
    """Not code to mutate: docstrings and imports."""
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return True
    return not isinstance(node, ast.AST) or isinstance(node, ast.ImportFrom | ast.Import)


def sites(tree: ast.AST, qual: str = "<module>", text: bool = True) -> Iterator[Site]:
    """Every mutation of `tree`, in a deterministic order (the same for every fresh parse).

    Text is data (a zone label, a JSON key) except in messages (f-strings, raised errors) and
    in `Literal[...]` type aliases, which nothing reads at run time.
    """
    literal = isinstance(tree, ast.Subscript) and ast.unparse(tree.value).endswith("Literal")
    text = text and not literal and not isinstance(tree, ast.JoinedStr | ast.Raise)
    yield from _expression_sites(tree, qual, text)
    if isinstance(tree, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        qual = tree.name if qual == "<module>" else f"{qual}.{tree.name}"
    for field, value in ast.iter_fields(tree):
        if field in NOT_ANALYSED:
            continue
        children = value if isinstance(value, list) else [value]
        for child in children:
            if not _ignored(child):
                yield from _child_sites(tree, field, child, qual)
                yield from sites(child, qual, text)


def mutants(path: Path) -> list[Site]:
    found = list(sites(ast.parse(path.read_text())))
    seen: dict[str, int] = {}
    for site in found:
        label = site.label.replace(" -> ", "->").replace(" ", "-")
        base = f"{path.name}:{site.qualname}:{label}"
        seen[base] = seen.get(base, 0) + 1
        site.key = f"{base}#{seen[base]}"
    return found


def mutated_source(path: Path, index: int) -> str:
    tree = ast.parse(path.read_text())
    list(sites(tree))[index].apply()
    return ast.unparse(ast.fix_missing_locations(tree))


def run_tests(copy: Path, tests: list[str], timeout: float) -> str:
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    with subprocess.Popen(
        command, cwd=copy, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    ) as process:  # fmt: skip
        try:
            return "survived" if process.wait(timeout=timeout) == 0 else "killed"
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the whole session: pytest and its children
            process.wait()
            return "timeout"


def make_copy(into: Path) -> Path:
    copy = into / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*SKIPPED))
    env = {**os.environ, "PYTHONPATH": str(copy)}
    probe = [sys.executable, "-c", "import reconciler; print(reconciler.__file__)"]
    found = subprocess.run(probe, cwd=copy, env=env, capture_output=True, text=True, check=True)
    if not found.stdout.strip().startswith(str(copy)):
        sys.exit(f"the copy does not shadow the checkout: reconciler imports from {found.stdout}")
    return copy


def mutate_module(
    module: str, tests: list[str], args: argparse.Namespace, copies: Queue[Path]
) -> list[tuple[Site, str]]:
    source = ROOT / module
    all_sites = mutants(source)
    chosen = [(i, s) for i, s in enumerate(all_sites) if not args.only or args.only in s.key]
    original = ast.unparse(ast.parse(source.read_text())).splitlines()
    if args.list or args.diff:
        for index, site in chosen:
            print(f"{module}:{site.line}  {site.label:<22} `{site.key}`")
            if args.diff:
                after = mutated_source(source, index).splitlines()
                print("\n".join(difflib.unified_diff(original, after, lineterm="", n=1)))
        return []
    copy = copies.get()
    start = time.monotonic()
    # The baseline runs the unparsed module: a test broken by unparsing would "kill" everything.
    (copy / module).write_text("\n".join(original))
    baseline = run_tests(copy, tests, timeout=600)
    shutil.copyfile(source, copy / module)
    copies.put(copy)
    if baseline != "survived":
        sys.exit(f"{module}: the tests fail before any mutation ({' '.join(tests)})")
    timeout = args.timeout or max(10.0, 4 * (time.monotonic() - start))

    def one(item: tuple[int, Site]) -> tuple[Site, str]:
        copy = copies.get()
        target = copy / module
        try:
            target.write_text(mutated_source(source, item[0]))
            outcome = run_tests(copy, tests, timeout)
        finally:
            shutil.copyfile(source, target)
            copies.put(copy)
        site = item[1]
        if outcome == "survived":
            print(f"  survived  {module}:{site.line}  {site.label}  `{site.key}`", flush=True)
        return site, outcome

    print(f"{module}: {len(chosen)} mutant(s), tests {' '.join(tests)}", flush=True)
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        return list(pool.map(one, chosen))


def report(module: str, results: list[tuple[Site, str]], equivalent: set[str]) -> None:
    counted = [outcome for site, outcome in results if site.key not in equivalent]
    killed = sum(1 for outcome in counted if outcome != "survived")
    for site in (s for s, outcome in results if s.key in equivalent and outcome != "survived"):
        print(f"  note: `{site.key}` is listed as equivalent but a test kills it")
    score, left = 100.0 * killed / max(1, len(counted)), len(results) - len(counted)
    print(f"{module}: {killed}/{len(counted)} killed = {score:.1f}% ({left} equivalent)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="module paths (default: DEFAULT_TESTS)")
    parser.add_argument("--tests", nargs="+", help="test paths (default: from DEFAULT_TESTS)")
    parser.add_argument("--timeout", type=float, help="seconds per mutant (default 4x baseline)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument("--only", help="only mutants whose id contains this text")
    parser.add_argument("--list", action="store_true", help="list mutants, run nothing")
    parser.add_argument("--diff", action="store_true", help="show each mutant as a diff")
    args = parser.parse_args()
    modules = args.modules or list(DEFAULT_TESTS)
    text = EQUIVALENTS.read_text() if EQUIVALENTS.exists() else ""
    equivalent = set(re.findall(r"`([\w./-]+\.py:[^`\s]+#\d+)`", text))
    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        copies: Queue[Path] = Queue()
        for n in range(1 if args.list or args.diff else args.jobs):
            copies.put(make_copy(Path(tmp) / str(n)))
        for module in modules:
            tests = args.tests or DEFAULT_TESTS.get(module)
            if not tests:
                sys.exit(f"{module}: no tests given (--tests) and none in DEFAULT_TESTS")
            results = mutate_module(module, tests, args, copies)
            if results:
                report(module, results, equivalent)


if __name__ == "__main__":
    main()
