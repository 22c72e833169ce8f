"""Safe YAML reading for question banks: YAML 1.2 scalars, source positions, no alias bombs.

PyYAML follows YAML 1.1, where a choice written `No` loads as `False` and `1e-3` loads as a
string. Banks are written by people who mean the text and the number, so plain scalars are
resolved with the YAML 1.2 core rules instead. Only the composed node graph is read (never
`yaml.load`), so no tag can build a Python object, and every value keeps its line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from quiz import yamltraps
from quiz.model import Problem

MAX_BYTES = 2_000_000
# Values reached again through aliases. A value written out is bounded by MAX_BYTES, so only
# repeats are counted: a huge bank passes, a small file of nested aliases ("billion laughs")
# does not.
MAX_NODES = 50_000
MAX_DEPTH = 64

_TAG = "tag:yaml.org,2002:"
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BankLoader(_Base):  # type: ignore[misc, valid-type]
    """A safe loader whose implicit scalar types follow the YAML 1.2 core schema."""

    yaml_implicit_resolvers: dict = {}


for _tag, _pattern, _first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
]:
    BankLoader.add_implicit_resolver(_TAG + _tag, re.compile(_pattern), list(_first))


@dataclass(frozen=True)
class Pos:
    line: int  # 1-based, as editors show it
    col: int


@dataclass
class YScalar:
    value: object  # str, int, float, bool or None
    raw: str  # the text as written, so a choice `0.10` can be shown as `0.10`
    pos: Pos
    quoted: bool = False  # written in quotes: "0.5" is text on purpose


@dataclass
class YSeq:
    items: list[YNode]
    pos: Pos


@dataclass
class YMap:
    # key text -> (key node, value node); the key node locates "unknown key" problems
    entries: dict[str, tuple[YScalar, YNode]] = field(default_factory=dict)
    pos: Pos = Pos(1, 1)


YNode = YScalar | YSeq | YMap


class _TooBig(Exception):
    pass


def _pos(node: yaml.Node) -> Pos:
    return Pos(node.start_mark.line + 1, node.start_mark.column + 1)


def _scalar(node: yaml.ScalarNode, file: str, problems: list[Problem]) -> YScalar:
    tag, raw, pos = node.tag, node.value, _pos(node)
    value: object = raw
    if tag == _TAG + "str":
        pass
    elif tag == _TAG + "null" and raw in ("", "~", "null", "Null", "NULL"):
        value = None
    elif tag == _TAG + "bool" and raw.lower() in ("true", "false"):
        value = raw.lower() == "true"
    elif tag == _TAG + "int" and re.fullmatch(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", raw):
        value = int(raw[2:], 8) if raw.startswith("0o") else int(raw, 0 if "x" in raw else 10)
    elif tag == _TAG + "float":
        try:
            value = float(raw.lower().replace(".inf", "inf").replace(".nan", "nan"))
        except ValueError:
            problems.append(_bad_tag(file, pos, tag, raw))
    else:
        problems.append(_bad_tag(file, pos, tag, raw))
    return YScalar(value, raw, pos, quoted=node.style in ("'", '"'))


def _bad_tag(file: str, pos: Pos, tag: str, raw: str) -> Problem:
    shown = tag.replace(_TAG, "!!")
    return Problem(
        file,
        pos.line,
        pos.col,
        None,
        f"the tag `{shown}` on `{raw}` is not allowed in a bank. "
        "Remove the tag; banks hold only text, numbers, true/false, lists and mappings",
    )


class _Budget:
    """Counts the values visited a second time (through an alias) against MAX_NODES."""

    def __init__(self, limit: int) -> None:
        self.left = limit
        self.seen: set[int] = set()

    def visit(self, node: yaml.Node, depth: int) -> None:
        if id(node) in self.seen:
            self.left -= 1
        else:
            self.seen.add(id(node))
        if self.left < 0 or depth > MAX_DEPTH:
            raise _TooBig


def _convert(node: yaml.Node, file: str, problems: list[Problem], budget: _Budget, depth: int):
    budget.visit(node, depth)
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, file, problems)
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _TAG + "seq":
            problems.append(_bad_tag(file, _pos(node), node.tag, "[...]"))
        items = [_convert(n, file, problems, budget, depth + 1) for n in node.value]
        return YSeq(items, _pos(node))
    if node.tag != _TAG + "map":
        problems.append(_bad_tag(file, _pos(node), node.tag, "{...}"))
    result = YMap(pos=_pos(node))
    for key_node, value_node in node.value:
        key = _convert(key_node, file, problems, budget, depth + 1)
        value = _convert(value_node, file, problems, budget, depth + 1)
        if not isinstance(key, YScalar):
            problems.append(
                Problem(
                    file,
                    key.pos.line,
                    key.pos.col,
                    None,
                    "a key must be plain text. Write keys as `name: value`",
                )
            )
            continue
        if key.raw in result.entries:
            first = result.entries[key.raw][0].pos.line
            problems.append(
                Problem(
                    file,
                    key.pos.line,
                    key.pos.col,
                    None,
                    f"the key `{key.raw}` appears twice in this mapping (first on line {first}). "
                    "Keep only one",
                )
            )
            continue
        result.entries[key.raw] = (key, value)
    return result


def load_tree(text: str, file: str) -> tuple[YNode | None, list[Problem]]:
    """Parse one bank file into positioned nodes; problems are returned, never raised."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return None, [
            Problem(
                file,
                1,
                1,
                None,
                f"the file is larger than {MAX_BYTES} bytes. "
                "Split the questions into several bank files",
            )
        ]
    problems: list[Problem] = []
    try:
        node, syntax = yamltraps.compose(text, BankLoader)
    except yaml.YAMLError as exc:  # not a marked error: an encoding or reader problem
        return None, [Problem(file, 1, 1, None, f"YAML error: {exc}. Fix the file's syntax")]
    except RecursionError:
        return None, [_too_big(file)]
    if syntax:
        return None, [Problem(file, p.line, p.col, None, p.message) for p in syntax]
    if node is None:
        return None, [
            Problem(
                file,
                1,
                1,
                None,
                "the file is empty. "
                "Start a bank with `schema_version: 1`, `bank:` and `questions:`",
            )
        ]
    try:
        tree = _convert(node, file, problems, _Budget(MAX_NODES), 0)
    except (_TooBig, RecursionError):
        return None, [_too_big(file)]
    return tree, problems


def _too_big(file: str) -> Problem:
    return Problem(
        file,
        1,
        1,
        None,
        f"the file repeats more than {MAX_NODES} values through anchors and aliases, or "
        f"nests deeper than {MAX_DEPTH} levels. Write the values out instead of nesting aliases",
    )


def plain(node: YNode | None) -> object:
    """The plain Python value of a tree, for JSON Schema checks and debugging."""
    if isinstance(node, YScalar):
        return node.value
    if isinstance(node, YSeq):
        return [plain(n) for n in node.items]
    if isinstance(node, YMap):
        return {k: plain(v) for k, (_, v) in node.entries.items()}
    return None
