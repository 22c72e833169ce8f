"""YAML 1.1 traps, safe loading and alias bombs."""

from __future__ import annotations

import pytest

from quiz.yamlio import MAX_NODES, YMap, load_tree, plain


def load(text: str):
    tree, problems = load_tree(text, "t.yaml")
    return (plain(tree) if tree is not None else None), problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No", "No"),
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("Off", "Off"),
        ("y", "y"),
        ("true", True),
        ("False", False),
        ("1e-3", 0.001),
        ("-2.5E+2", -250.0),
        ("1.0e-6", 1e-6),
        ("010", 10),
        ("0o17", 15),
        ("0x1F", 31),
        ("2024-01-01", "2024-01-01"),
        ("~", None),
        ("'1e-3'", "1e-3"),
        ("1:30", "1:30"),
    ],
)
def test_scalars_follow_yaml_1_2(text: str, expected: object) -> None:
    data, problems = load(f"value: {text}\n")
    assert problems == []
    assert data == {"value": expected}
    assert type(data["value"]) is type(expected)


def test_choice_written_no_keeps_its_raw_text() -> None:
    tree, _ = load_tree("- text: No\n- text: 0.10\n", "t.yaml")
    assert [item.entries["text"][1].raw for item in tree.items] == ["No", "0.10"]


@pytest.mark.parametrize(
    "text",
    [
        "value: !!python/object/apply:os.system ['echo hacked']\n",
        "value: !!python/name:os.system\n",
        "value: !custom thing\n",
        "value: !!binary aGVsbG8=\n",
    ],
)
def test_tags_that_could_build_objects_are_refused(text: str) -> None:
    _, problems = load(text)
    assert len(problems) == 1
    assert "is not allowed in a bank" in problems[0].message


def test_billion_laughs_is_rejected_quickly() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        prev, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    tree, problems = load_tree("\n".join(lines) + "\n", "bomb.yaml")
    assert tree is None
    assert f"more than {MAX_NODES} values" in problems[0].message


def test_recursive_alias_is_rejected() -> None:
    tree, problems = load_tree("a: &a [*a]\n", "loop.yaml")
    assert tree is None
    assert problems and "aliases" in problems[0].message


def test_small_aliases_still_work() -> None:
    data, problems = load("base: &b {text: x}\nother: *b\n")
    assert problems == []
    assert data == {"base": {"text": "x"}, "other": {"text": "x"}}


def test_duplicate_keys_are_reported_with_both_lines() -> None:
    _, problems = load("prompt: one\nprompt: two\n")
    assert [(p.line, p.col) for p in problems] == [(2, 1)]
    assert "appears twice" in problems[0].message and "line 1" in problems[0].message


def test_syntax_error_points_at_the_line() -> None:
    tree, problems = load_tree("a: 1\nb: [1, 2\nc: 3\n", "bad.yaml")
    assert tree is None
    assert problems[0].message.startswith("YAML syntax error")
    assert problems[0].line >= 2


def test_positions_are_one_based() -> None:
    tree, _ = load_tree("top:\n  key: value\n", "t.yaml")
    assert isinstance(tree, YMap)
    inner = tree.entries["top"][1]
    key_node, value_node = inner.entries["key"]
    assert (key_node.pos.line, key_node.pos.col) == (2, 3)
    assert (value_node.pos.line, value_node.pos.col) == (2, 8)
