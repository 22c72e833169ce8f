"""Typed reading of positioned YAML values, with messages that say what to write instead."""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Iterable

from quiz.model import Problem
from quiz.yamlio import Pos, YMap, YNode, YScalar, YSeq

# YAML 1.1 booleans that people still write; banks read them as text, so say so.
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}


def describe(node: YNode) -> str:
    """How a value reads to an instructor: `the text "yes"`, `a list`, `the number 3`."""
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    value = node.value
    if value is None:
        return "nothing (empty)"
    if isinstance(value, bool):
        return f"`{node.raw}` (true/false)"
    if isinstance(value, int | float):
        return f"the number {node.raw}"
    return f'the text "{value}"'


class Reporter:
    """Collects the problems of one file, each tagged with the question being checked."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.question: str | None = None
        self.ids: list[tuple[str, str, str, int, int]] = []  # (kind, id, file, line, col)

    def add(self, where: YNode | Pos, message: str) -> None:
        pos = where if isinstance(where, Pos) else where.pos
        self.problems.append(Problem(self.file, pos.line, pos.col, self.question, message))

    def keys(
        self,
        mapping: YMap,
        allowed: Iterable[str],
        required: Iterable[str],
        what: str,
        elsewhere: dict[str, str] | None = None,
    ) -> None:
        """Report unknown keys (with a "did you mean") and missing required ones."""
        allowed = list(allowed)
        for key, (key_node, _) in mapping.entries.items():
            if key in allowed:
                continue
            if key == "<<":
                self.add(
                    key_node,
                    "`<<` (a YAML merge key) is not supported in a bank. Write the keys out, "
                    "or reuse a whole value with an alias (`prompt: *shared`)",
                )
                continue
            if elsewhere and key in elsewhere:
                self.add(key_node, f"`{key}` is not used in {what}. {elsewhere[key]}")
                continue
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"Did you mean `{close[0]}`?" if close else f"Use only: {', '.join(allowed)}"
            self.add(key_node, f"unknown key `{key}` in {what}. {hint}")
        for key in required:
            if key not in mapping.entries:
                self.add(mapping, f"{what} has no `{key}`. Add `{key}:`")

    def text(self, node: YNode, key: str, *, allow_empty: bool = False) -> str | None:
        """A text field; numbers and true/false are taken as written (`0.10` stays `0.10`)."""
        if not isinstance(node, YScalar) or node.value is None:
            self.add(node, f"`{key}` must be text, not {describe(node)}. Write `{key}: <text>`")
            return None
        text = node.value if isinstance(node.value, str) else node.raw
        if not text.strip() and not allow_empty:
            self.add(node, f"`{key}` is empty. Write the text after `{key}:`")
            return None
        control = next((c for c in text if _is_control(c)), None)
        if control is not None:
            # An escape like "\a" or "\x1b": it would drive the student's terminal and makes
            # the Moodle and QTI exports invalid XML.
            self.add(
                node,
                f"`{key}` contains the control character U+{ord(control):04X}. "
                "Remove it (only tabs and line breaks may appear in a text)",
            )
            return None
        return text

    def boolean(self, node: YNode, key: str) -> bool | None:
        if isinstance(node, YScalar) and isinstance(node.value, bool):
            return node.value
        hint = ""
        if isinstance(node, YScalar) and str(node.value).lower() in _YAML11_BOOLS:
            hint = f" (`{node.raw}` is text in a bank, not a boolean)"
        self.add(
            node,
            f"`{key}` must be true or false, not {describe(node)}{hint}. "
            f"Write `{key}: true` or `{key}: false`",
        )
        return None

    def number(self, node: YNode, key: str, *, positive: bool = False) -> float | None:
        """A finite number (int or float, never a boolean); `1e-3` is already a float here."""
        value = node.value if isinstance(node, YScalar) else None
        if isinstance(value, bool) or not isinstance(value, int | float):
            hint = ""
            if isinstance(value, str) and _is_number(value) and node.quoted:
                hint = " Remove the quotes around it"
            # Python reads 1_000 as a number, YAML 1.2 as text: show the plain spelling.
            elif isinstance(value, str) and _is_number(value) and math.isfinite(float(value)):
                hint = f" Write it as `{key}: {_plain_number(value)}`"
            self.add(
                node,
                f"`{key}` must be a number, not {describe(node)}.{hint or ''}"
                + ("" if hint else f" Write e.g. `{key}: 1`"),
            )
            return None
        if not math.isfinite(value):
            self.add(node, f"`{key}` is {node.raw}. Write a finite number")
            return None
        if re.match(r"[-+]?0[0-9]", node.raw):
            # YAML 1.1 (and so other tools) reads 010 as octal 8; this quiz reads 10.
            plain = re.sub(r"^([-+]?)0+(?=[0-9])", r"\1", node.raw)
            self.add(
                node,
                f"`{key}` is `{node.raw}`, with a leading zero that YAML tools read "
                f"differently (octal in YAML 1.1). Write `{plain}` without the leading zero",
            )
            return None
        if positive and value <= 0:
            self.add(node, f"`{key}` is {node.raw}. Write a number greater than 0")
            return None
        return value

    def choose(self, node: YNode, key: str, options: tuple[str, ...]) -> str | None:
        """One of a fixed set of words, with a "did you mean" for typos."""
        if isinstance(node, YScalar) and node.value in options:
            return str(node.value)
        got = node.raw if isinstance(node, YScalar) else describe(node)
        close = difflib.get_close_matches(str(got), options, n=1, cutoff=0.5)
        hint = f"Did you mean `{close[0]}`? " if close else ""
        self.add(
            node,
            f"`{key}` is `{got}`, which is not one of {', '.join(options)}. "
            f"{hint}Write one of them",
        )
        return None


def _is_control(char: str) -> bool:
    return char not in "\t\n\r" and unicodedata.category(char) == "Cc"


def _plain_number(text: str) -> str:
    value = float(text)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
