"""Read one YAML file into a tree of `Node`s that remember file:line:column.

This is the only module that touches PyYAML. It reads the *event* stream of the libyaml C
parser (falling back to the pure-Python one) and builds the tree itself instead of using
`yaml.safe_load`, because the loader needs what `safe_load` throws away or gets wrong:

- every value's location, so each problem is reported as `file:line:column`;
- duplicate keys in a mapping are errors (PyYAML silently keeps the last one);
- only the standard tags are accepted (`!!python/...`, `!!binary`, `!custom` … are refused);
- aliases are expanded against a node budget, so an alias bomb is refused before it grows;
- nesting depth and file size are capped, non-UTF-8 bytes are refused, and the document must
  be a mapping.

Building from events is iterative, so a hostile file cannot exhaust the Python stack.
"""

from __future__ import annotations

import functools
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from ..errors import Problem

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
#: Nodes that aliases may add to one file in total; real manifests reuse a few small anchors.
MAX_ALIAS_NODES = 100_000

try:  # the C parser is ~10x faster; it is optional in PyYAML builds
    _Parser: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Parser = yaml.SafeLoader

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_MERGE_TAG = f"{_TAG}merge"
_resolver = Resolver()
_constructor = SafeConstructor()

Scalar = str | int | float | bool | None


class Loc(NamedTuple):
    """A 1-based position in a file (as editors show it); a tuple because there are many."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Node:
    """A YAML value with its location.

    `value` is a `dict[str, Node]` (mapping), a `list[Node]` (sequence) or a scalar;
    `key_locs` holds where each key of a mapping is written (for "unknown key" problems).
    """

    __slots__ = ("key_locs", "literal", "loc", "size", "value")

    def __init__(
        self,
        value: dict[str, Node] | list[Node] | Scalar,
        loc: Loc,
        key_locs: dict[str, Loc] | None = None,
        size: int = 1,
        literal: bool = False,
    ) -> None:
        self.value = value
        self.loc = loc
        self.key_locs = key_locs
        self.size = size
        # A `|` block scalar: `loc` is its first content line, and line N of the text is
        # line loc.line + N - 1 of the file (templates use this to point at the exact line).
        self.literal = literal

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.value, dict)

    def mapping(self) -> dict[str, Node]:
        assert isinstance(self.value, dict)
        return self.value

    def plain(self) -> Any:
        """The value as plain Python data (dicts, lists, scalars) for pydantic."""
        value = self.value
        if isinstance(value, dict):
            return {key: child.plain() for key, child in value.items()}
        if isinstance(value, list):
            return [child.plain() for child in value]
        return value

    def copy(self) -> Node:
        """A deep copy (aliases and overlays must not share mutable subtrees)."""
        value = self.value
        if isinstance(value, dict):
            return Node(
                {key: child.copy() for key, child in value.items()},
                self.loc,
                dict(self.key_locs or {}),
                self.size,
            )
        if isinstance(value, list):
            return Node([child.copy() for child in value], self.loc, None, self.size)
        return Node(value, self.loc, None, self.size, self.literal)

    def walk(self) -> Iterator[Node]:
        yield self
        value = self.value
        if isinstance(value, dict):
            for child in value.values():
                yield from child.walk()
        elif isinstance(value, list):
            for child in value:
                yield from child.walk()


class SourceError(Exception):
    """A file could not be read as a manifest; carries the one Problem that says why."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def _problem(file: str, line: int | None, column: int | None, message: str) -> SourceError:
    return SourceError(Problem(file, line, column, "", message))


def read_text(path: Path, display: str) -> str:
    """The file's text, refusing oversized files and bytes that are not UTF-8."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # A directory, FIFO or device (e.g. a link to /dev/zero) is never a manifest.
            what = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise _problem(display, None, None, f"cannot read file: it is {what}")
        if info.st_size > MAX_FILE_BYTES:
            raise _problem(
                display,
                None,
                None,
                f"file is {info.st_size} bytes; manifests are capped at {MAX_FILE_BYTES} bytes",
            )
        data = path.read_bytes()
    except OSError as error:
        raise _problem(display, None, None, f"cannot read file: {error.strerror}") from error
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _problem(display, 1, 1, "file is UTF-16 (byte order mark); save it as UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise _problem(
            display, line, column, f"file is not valid UTF-8 (byte 0x{data[error.start]:02x})"
        ) from error


def load_file(path: Path, display: str) -> Node | None:
    """Parse one manifest file; None when it holds no document at all (empty or comments only).

    Raises SourceError for anything that is not a single, safe, well-formed YAML mapping.
    """
    return parse(read_text(path, display), display)


def _loc(file: str, mark: Any) -> Loc:
    return Loc(file, mark.line + 1, mark.column + 1)


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


_PLAIN = (True, False)
#: Plain scalars repeat a lot (true, 0, Good, HigherIsBetter …): resolve each short text once.
#: Least-recently-used eviction keeps those hot values cached however many unique names an org
#: has (a cache that simply stopped growing filled up with names and then missed on every value).
_CACHED_TEXT = 64


def _plain(text: str) -> Scalar:
    return _construct(_resolver.resolve(ScalarNode, text, _PLAIN), text)  # type: ignore[no-untyped-call]


_resolve_plain = functools.lru_cache(maxsize=4096)(_plain)


def _scalar(event: Any, file: str) -> Scalar:
    tag = event.tag
    if tag is None and event.implicit == _PLAIN:
        text = event.value
        return _resolve_plain(text) if len(text) <= _CACHED_TEXT else _plain(text)
    if tag is None or tag == "!":
        tag = _resolver.resolve(ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    if tag not in _SCALAR_TAGS:
        raise _problem(
            file,
            event.start_mark.line + 1,
            event.start_mark.column + 1,
            f"tag {_short(event.tag or tag)} is not allowed; manifests use plain YAML values only",
        )
    try:
        return _construct(tag, event.value)
    except Exception as error:  # an explicit tag on text it cannot describe: `!!int x`
        raise _problem(
            file,
            event.start_mark.line + 1,
            event.start_mark.column + 1,
            f"{event.value!r} is not a valid {_short(tag)}",
        ) from error


def _construct(tag: str, text: str) -> Scalar:
    # Plain `=` and `<<` resolve to YAML's value/merge tags; as values they are just text.
    if tag not in _SCALAR_TAGS or tag == f"{_TAG}str" or tag == f"{_TAG}timestamp":
        return str(text)
    node = ScalarNode(tag, text)
    if tag == f"{_TAG}null":
        return None
    if tag == f"{_TAG}bool":
        return bool(_constructor.construct_yaml_bool(node))
    if tag == f"{_TAG}int":
        return int(_constructor.construct_yaml_int(node))
    return float(_constructor.construct_yaml_float(node))


class _Frame:
    __slots__ = ("anchor", "key", "key_loc", "merges", "node")

    def __init__(self, node: Node, anchor: str | None) -> None:
        self.node = node
        self.anchor = anchor
        self.key: str | None = None
        self.key_loc: Loc | None = None
        self.merges: list[Node] = []


def parse(text: str, file: str) -> Node | None:
    """Build the located tree of a single-document YAML text (see the module docstring)."""
    try:
        return _build(_events(text), file, text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        message = "; ".join(x for x in (error.context, error.problem) if x)
        tab = mark is not None and mark.index < len(text) and text[mark.index] == "\t"
        if tab and "tab" not in message:
            message += " (a tab: YAML indents with spaces only)"
        raise _problem(file, line, column, f"malformed YAML: {message}") from error
    except yaml.reader.ReaderError as error:
        at = error.position
        code = error.character if isinstance(error.character, int) else ord(error.character)
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise _problem(
            file,
            line,
            column,
            f"character U+{code:04X} is not allowed in YAML (control characters "
            "cannot appear in a manifest)",
        ) from error
    except yaml.YAMLError as error:
        raise _problem(file, None, None, f"malformed YAML: {error}") from error


def _events(text: str) -> Iterator[Any]:
    # yaml.parse() without its check_event() round trip per event (half the calls into C).
    loader = _Parser(text)
    try:
        get = loader.get_event
        while True:
            event = get()
            yield event
            if type(event) is yaml.StreamEndEvent:
                return
    finally:
        loader.dispose()


def _build(events: Iterator[Any], file: str, text: str) -> Node | None:
    stack: list[_Frame] = []
    anchors: dict[str, Node] = {}
    alias_nodes = 0
    root: Node | None = None
    documents = 0

    def attach(node: Node, start: Any) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        frame = stack[-1]
        parent = frame.node
        parent.size += node.size
        if isinstance(parent.value, list):
            parent.value.append(node)
            return
        assert isinstance(parent.value, dict) and parent.key_locs is not None
        if frame.key is None:
            if not isinstance(node.value, str):
                raise _problem(
                    file,
                    node.loc.line,
                    node.loc.column,
                    "mapping keys must be plain text",
                )
            frame.key = node.value
            frame.key_loc = node.loc
            return
        key, key_loc = frame.key, frame.key_loc
        frame.key = None
        assert key_loc is not None
        if key == "<<" and key_loc in merge_keys:
            sources = node.value if isinstance(node.value, list) else [node]
            for source in sources:
                if not isinstance(source.value, dict):
                    raise _problem(
                        file, source.loc.line, source.loc.column, "'<<' merges only mappings"
                    )
                frame.merges.append(source)
            return
        if key in parent.value:
            first = parent.key_locs[key]
            raise _problem(
                file,
                key_loc.line,
                key_loc.column,
                f"duplicate key {key!r} (first defined at line {first.line}); "
                "YAML would silently keep only the last one",
            )
        parent.value[key] = node
        parent.key_locs[key] = key_loc

    merge_keys: set[Loc] = set()
    lines: list[str] = []
    for event in events:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            loc = _loc(file, event.start_mark)
            in_key_position = bool(stack) and stack[-1].node.is_mapping and stack[-1].key is None
            if in_key_position and event.tag is None and event.value == "<<" and event.implicit[0]:
                merge_keys.add(loc)
                value: Scalar = "<<"
            elif in_key_position and event.tag is None:
                value = event.value  # keys are names: never reinterpret `on`/`yes`/`1`
            else:
                value = _scalar(event, file)
            node = Node(value, loc)
            if event.style == "|" and isinstance(value, str):
                lines = lines or text.splitlines()
                first = event.start_mark.line + 1  # the line after the `|` indicator
                if first < len(lines):
                    indent = len(lines[first]) - len(lines[first].lstrip(" "))
                    node.loc = Loc(file, first + 1, indent + 1)
                    node.literal = True
            if event.anchor:
                anchors[event.anchor] = node
            attach(node, event.start_mark)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            is_map = kind is yaml.MappingStartEvent
            allowed = f"{_TAG}map" if is_map else f"{_TAG}seq"
            if event.tag not in (None, "!", allowed):
                raise _problem(
                    file,
                    event.start_mark.line + 1,
                    event.start_mark.column + 1,
                    f"tag {_short(event.tag)} is not allowed; manifests use plain YAML values only",
                )
            if len(stack) >= MAX_DEPTH:
                raise _problem(
                    file,
                    event.start_mark.line + 1,
                    event.start_mark.column + 1,
                    f"nesting deeper than {MAX_DEPTH} levels",
                )
            loc = _loc(file, event.start_mark)
            node = Node({}, loc, {}) if is_map else Node([], loc)
            stack.append(_Frame(node, event.anchor))
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frame = stack.pop()
            node = frame.node
            if frame.merges:
                _apply_merges(node, frame.merges)
            if frame.anchor:
                anchors[frame.anchor] = node
            attach(node, event.start_mark)
        elif kind is yaml.AliasEvent:
            loc = _loc(file, event.start_mark)
            target = anchors.get(event.anchor)
            if target is None:
                raise _problem(
                    file,
                    loc.line,
                    loc.column,
                    f"alias *{event.anchor} refers to an undefined or recursive anchor",
                )
            alias_nodes += target.size
            if alias_nodes > MAX_ALIAS_NODES:
                raise _problem(
                    file,
                    loc.line,
                    loc.column,
                    f"aliases expand to more than {MAX_ALIAS_NODES} values "
                    "(an alias bomb?); refusing the file",
                )
            if len(stack) + _depth(target) > MAX_DEPTH:
                raise _problem(
                    file, loc.line, loc.column, f"nesting deeper than {MAX_DEPTH} levels"
                )
            copied = target.copy()
            copied.loc = loc
            attach(copied, event.start_mark)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                mark = event.start_mark
                raise _problem(
                    file,
                    mark.line + 1,
                    mark.column + 1,
                    "only one YAML document per file (split it into several files)",
                )
    if root is None or root.value is None:  # no document, or one holding only `---`/comments
        return None
    if not root.is_mapping:
        kind_name = "a list" if isinstance(root.value, list) else "a single value"
        raise _problem(
            file,
            root.loc.line,
            root.loc.column,
            f"the document is {kind_name}; a manifest file must be a mapping",
        )
    return root


def _apply_merges(node: Node, merges: list[Node]) -> None:
    """YAML merge keys: explicit keys win, then earlier merged mappings over later ones."""
    target = node.mapping()
    assert node.key_locs is not None
    for source in merges:
        for key, child in source.mapping().items():
            if key not in target:
                target[key] = child.copy()
                node.key_locs[key] = (source.key_locs or {}).get(key, child.loc)


def _depth(node: Node) -> int:
    depth = 0
    level = [node]
    while level:
        nxt: list[Node] = []
        for item in level:
            value = item.value
            if isinstance(value, dict):
                nxt.extend(value.values())
            elif isinstance(value, list):
                nxt.extend(value)
        if nxt:
            depth += 1
        level = nxt
    return depth
