"""The located YAML reader on its own: what it accepts, what it refuses, and where it points."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.manifests.yamlsource import MAX_ALIAS_NODES, Loc, SourceError, load_file, parse


def _refusal(text: str) -> str:
    with pytest.raises(SourceError) as caught:
        parse(text, "f.yaml")
    return str(caught.value.problem)


def test_values_and_locations() -> None:
    node = parse("a:\n  b: [1, yes, ~, 1.5, '2', 2026-05-14]\n", "f.yaml")
    assert node is not None
    assert node.plain() == {"a": {"b": [1, True, None, 1.5, "2", "2026-05-14"]}}
    inner = node.mapping()["a"].mapping()["b"]
    assert inner.loc == Loc("f.yaml", 2, 6)
    assert node.mapping()["a"].key_locs == {"b": Loc("f.yaml", 2, 3)}


def test_keys_stay_text() -> None:
    node = parse("on: 1\nyes: 2\n3: 4\n", "f.yaml")
    assert node is not None
    assert node.plain() == {"on": 1, "yes": 2, "3": 4}


def test_empty_and_comment_only_files_hold_nothing() -> None:
    assert parse("", "f.yaml") is None
    assert parse("# just a comment\n", "f.yaml") is None


def test_recursive_alias_is_refused() -> None:
    assert "refers to an undefined or recursive anchor" in _refusal("a: &x [1, *x]\n")


def test_undefined_alias_is_refused() -> None:
    assert "f.yaml:1:4: alias *nope refers to an undefined" in _refusal("a: *nope\n")


def test_alias_budget_counts_expanded_values() -> None:
    wide = "[" + ", ".join(["x"] * 1000) + "]"
    refs = ", ".join(["*w"] * (MAX_ALIAS_NODES // 1000 + 2))
    assert "alias bomb" in _refusal(f"w: &w {wide}\nall: [{refs}]\n")
    # A few ordinary reuses are fine.
    node = parse(f"w: &w {wide}\nall: [*w, *w]\n", "f.yaml")
    assert node is not None and len(node.plain()["all"]) == 2


def test_multiple_documents_are_refused() -> None:
    assert "f.yaml:2:1: only one YAML document per file" in _refusal("a: 1\n---\nb: 2\n")


def test_complex_keys_are_refused() -> None:
    assert "mapping keys must be plain text" in _refusal("? [a, b]\n: 1\n")


def test_merge_key_needs_mappings() -> None:
    assert "'<<' merges only mappings" in _refusal("a: &x [1]\nb:\n  <<: *x\n")


def test_set_and_binary_tags_are_refused() -> None:
    assert "tag !!set is not allowed" in _refusal("a: !!set {x: null}\n")
    assert "tag !!binary is not allowed" in _refusal("a: !!binary aGk=\n")


def test_explicit_standard_tags_are_fine() -> None:
    node = parse("a: !!str 12\nb: !!int '7'\n", "f.yaml")
    assert node is not None and node.plain() == {"a": "12", "b": 7}


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    node = load_file(path, "x.yaml")
    assert node is not None and node.plain() == {"a": 1}


def test_block_literal_points_at_its_first_content_line() -> None:
    node = parse("a:\n  body: |\n    line one\n    line two\n", "f.yaml")
    assert node is not None
    body = node.mapping()["a"].mapping()["body"]
    assert body.literal and body.loc == Loc("f.yaml", 3, 5)
