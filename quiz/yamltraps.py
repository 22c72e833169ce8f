"""Every YAML syntax error of a bank file in one run, each with a plain fix.

A YAML parser stops at the first syntax error. To report the rest in the same run, a
line-based pre-pass first finds the common traps (a tab in the indentation, an unquoted
`: ` inside a text, a key without its colon), patches them in a copy of the text and reports
them; the parser then reads the patched copy. When it still fails, the offending line is
commented out and the parser tries again, so later errors are found too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml

MAX_ROUNDS = 25  # parser restarts per file; a file this broken needs rewriting anyway
KEYS = frozenset(
    "schema_version bank title questions draft pass_mark pick id type prompt explanation "
    "points tags choices shuffle scoring answer feedback params text correct pin value expr "
    "tolerance".split()
)
_KEY_LINE = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w-]*):(?:\s+(?P<value>.*))?$")
_NO_COLON = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w-]*)\s+(?P<rest>\S.*)$")
_BLOCK = re.compile(r"^[|>][-+0-9]*\s*(#.*)?$")
_NOT_PLAIN = tuple("\"'|>[{&*!#%@`")
# Keys whose value is always a text: a YAML indicator at its start is a Markdown habit.
TEXT_KEYS = frozenset({"title", "prompt", "explanation", "feedback", "text"})
# What YAML makes of a value's first character, for the message.
INDICATORS = {
    "*": "an alias (a reference to an `&anchor`)",
    "`": "a reserved character",
    "@": "a reserved character",
    "%": "a directive",
    "!": "a tag",
    "[": "the start of a list",
    "{": "the start of a mapping",
    "#": "the start of a comment (the text is lost)",
    "|": "a block of text whose lines follow",
    ">": "a block of text whose lines follow",
}


@dataclass(frozen=True)
class SyntaxProblem:
    line: int  # 1-based
    col: int
    message: str


def _quote_fix(key: str, value: str) -> str:
    quoted = json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one
    return f'quote the text: it contains ": ". Write `{key}: {quoted}`'


def prescan(lines: list[str]) -> tuple[list[SyntaxProblem], list[str]]:
    """The common traps, and a copy of the lines with each one patched."""
    problems: list[SyntaxProblem] = []
    patched = list(lines)
    anchors = set(re.findall(r"(?:^|\s)&([^\s,\[\]{}]+)", "\n".join(lines)))
    block_indent: int | None = None  # inside a `|` or `>` text: lines deeper than this
    last_key_col: int | None = None
    for index, line in enumerate(lines):
        stripped = line.lstrip(" \t")
        indent = len(line) - len(stripped)
        if not stripped or stripped.startswith("#"):
            continue
        if block_indent is not None and indent > block_indent and "\t" not in line[:indent]:
            continue
        block_indent = None
        if "\t" in line[:indent]:
            problems.append(
                SyntaxProblem(
                    index + 1,
                    line.index("\t") + 1,
                    "a tab in the indentation: YAML indents with spaces only. "
                    "Replace the tab with spaces",
                )
            )
            # Most often the line belongs with the key above it: indent it the same way.
            lead = " " * last_key_col if last_key_col is not None else "  "
            line = patched[index] = lead + stripped
            stripped = line.lstrip(" ")
            indent = len(line) - len(stripped)
        match = _KEY_LINE.match(line)
        if match:
            key, value = match["key"], (match["value"] or "").strip()
            last_key_col = len(match["lead"])
            text = value.split(" #")[0].rstrip()
            if _BLOCK.match(value):
                block_indent = indent
            elif _unclosed(value) and _next_is_key(lines, index):  # `#` may sit in quotes
                problems.append(
                    SyntaxProblem(
                        index + 1,
                        line.index(value) + 1,
                        "a quoted text is not closed. End it with the same quote it starts with",
                    )
                )
                patched[index] = line.rstrip() + value[0]
            elif key in TEXT_KEYS and (
                fix := _indicator(key, text, _shown(lines, index, match["lead"], text), anchors)
            ):
                problems.append(SyntaxProblem(index + 1, line.index(text) + 1, fix))
                _quote(lines, patched, index, match["lead"], key, text)
            elif text and not text.startswith(_NOT_PLAIN) and (": " in text or text.endswith(":")):
                problems.append(
                    SyntaxProblem(
                        index + 1,
                        line.index(text) + 1,
                        _quote_fix(key, _shown(lines, index, match["lead"], text)),
                    )
                )
                _quote(lines, patched, index, match["lead"], key, text)
            continue
        missing = _NO_COLON.match(line)
        if missing and missing["key"] in KEYS and len(missing["lead"]) == last_key_col:
            key = missing["key"]
            problems.append(
                SyntaxProblem(
                    index + 1,
                    indent + 1,
                    f"`{key}` has no colon after it. Write `{key}: {missing['rest']}`",
                )
            )
            patched[index] = f"{missing['lead']}{key}: {missing['rest']}"
    return problems, patched


def _continued(lines: list[str], index: int, lead: str) -> list[int]:
    """The lines after `index` that continue its text (deeper, not keys or list items)."""
    after = index + 1
    while after < len(lines):
        line = lines[after]
        deeper = len(line) - len(line.lstrip(" ")) > len(lead)
        if not (line.strip() and deeper) or _KEY_LINE.match(line) or line.lstrip()[:2] == "- ":
            break
        after += 1
    return list(range(index + 1, after))


def _quote(lines: list[str], patched: list[str], index: int, lead: str, key: str, text: str):
    """Patch line `index` to `key: "text"`, taking in the lines that continue the text."""
    more = _continued(lines, index, lead)
    parts = [text] + [lines[i].strip() for i in more]
    for i in more:
        patched[i] = ""  # now inside the quoted text
    patched[index] = f"{lead}{key}: {json.dumps(' '.join(parts), ensure_ascii=False)}"


def _shown(lines: list[str], index: int, lead: str, text: str) -> str:
    """The text as the fix shows it: `…` when lines below continue it."""
    return text + " …" if _continued(lines, index, lead) else text


def _indicator(key: str, text: str, shown: str, anchors: set[str]) -> str | None:
    """A fix when `text` starts with a character YAML does not read as text, else None."""
    if not text:
        return None
    first = text[0]
    if first == "*" and text[1:] in anchors:
        return None  # a real alias: `prompt: *shared`
    if first in "|>" and _BLOCK.match(text):
        return None  # a real block header: `prompt: |`
    if text.startswith("!!") or (first + text[-1:]) in ("[]", "{}"):
        return None  # a standard tag or a whole list or mapping: the checks explain those
    if first in "\"'":
        if _unclosed(text) or not _closed_early(text):
            return None
        what = "a quoted text that ends before the rest of the line"
    elif first == "-" and text[1:2] in (" ", ""):
        what = "a list item"
    elif first in INDICATORS:
        what = INDICATORS[first]
    else:
        return None
    quoted = json.dumps(shown, ensure_ascii=False)
    name = "a backtick" if first == "`" else f"`{first}`"
    return f"quote the text: YAML reads {name} at its start as {what}. Write `{key}: {quoted}`"


def _closed_early(text: str) -> bool:
    """Whether a quoted value closes its quote before the end: `"a" and b`."""
    quote, i = text[0], 1
    while i < len(text):
        if quote == '"' and text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            if quote == "'" and text[i + 1 : i + 2] == "'":
                i += 2
                continue
            return bool(text[i + 1 :].strip())
        i += 1
    return False


def _unclosed(text: str) -> bool:
    """A value that opens a quote and does not close it on its line."""
    if not text.startswith(('"', "'")):
        return False
    quote, body = text[0], text[1:]
    if quote == '"':
        body = re.sub(r"\\.", "", body)  # escaped characters, \" among them
    else:
        body = body.replace("''", "")  # '' is a quote inside a single-quoted text
    return quote not in body


def _next_is_key(lines: list[str], index: int) -> bool:
    """Whether the next non-blank line starts a key or a list item (so no text continues)."""
    for line in lines[index + 1 :]:
        if line.strip():
            return bool(_KEY_LINE.match(line) or line.lstrip().startswith("- "))
    return True


def explain(exc: yaml.MarkedYAMLError, lines: list[str]) -> tuple[SyntaxProblem, str]:
    """A parser error as a located problem with a plain fix, and the line patched to read on."""
    problem, context = exc.problem or "invalid YAML", exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    starts = ("could not find expected ':'", "found unexpected end of stream")
    if problem.startswith(starts) and exc.context_mark is not None:
        mark = exc.context_mark  # where the key or the quote began, not where it ran out
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    key = _KEY_LINE.match(text)
    indented = "did not find expected" in problem or "expected <block end>" in problem
    patch = "#"  # by default skip the line
    if "mapping values are not allowed" in problem and key and ": " not in (key["value"] or ""):
        patch = " " * _sibling_indent(lines, line - 1) + text.lstrip()
        fix = (
            "this key is indented differently from the keys above it. "
            "Line it up with the other keys of the same question or choice"
        )
    elif "mapping values are not allowed" in problem:
        fix = (
            'a text contains ": ", which YAML reads as a new key. Quote the text: it contains ": "'
        )
    elif "expected a single document" in context:
        fix = (
            "a second YAML document starts here (a `---` line): a bank file holds one. "
            "Remove the `---` line, or move the second bank into a file of its own"
        )
    elif "\\t" in problem or "'\\t'" in problem:
        fix = "a tab where YAML expects spaces. Replace the tab with spaces"
    elif "could not find expected ':'" in problem:
        fix = (
            "this line is neither `key: value` nor part of the text above. Add the missing "
            "colon, or indent a continued text further than its key"
        )
    elif indented:
        fix = (
            f"YAML syntax error: {problem}. The indentation does not line up with the lines "
            "above: indent the keys of one question by the same number of spaces"
        )
    elif "found unexpected end of stream" in problem and "quoted" in context:
        patch = text + (text[col - 1] if col - 1 < len(text) else '"')  # close it here
        fix = "a quoted text is not closed. End it with the same quote it starts with"
    else:
        what = f"{context}, {problem}" if context else problem
        fix = (
            f"YAML syntax error: {what}. Check the indentation, colons and quotes on this "
            "line and the one above"
        )
    return SyntaxProblem(line, col, fix), patch


def _sibling_indent(lines: list[str], index: int) -> int:
    """The indentation of the nearest key above line `index` (its siblings' indentation)."""
    for above in reversed(lines[:index]):
        match = _KEY_LINE.match(above)
        if match and not above.lstrip().startswith("#"):
            return len(match["lead"])
    return 0


def compose(text: str, loader_class: type) -> tuple[yaml.Node | None, list[SyntaxProblem]]:
    """The node tree of `text`, or every syntax problem found (pre-pass, then parser rounds)."""
    lines = text.split("\n")
    problems, patched = prescan(lines)
    for _ in range(MAX_ROUNDS):
        loader = loader_class("\n".join(patched))
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            found, patch = explain(exc, patched)
            if any(p.line == found.line for p in problems) or found.line > len(patched):
                break  # the same line again, or the end: nothing more can be learnt
            problems.append(found)
            patched[found.line - 1] = patch  # mend or skip the line, and read on
            continue
        finally:
            loader.dispose()
        if problems:
            break
        return node, []
    return None, sorted(problems, key=lambda p: (p.line, p.col))
