"""Untrusted text made safe to show: control characters escaped, spreadsheet formulas defused.

Student code decides what it prints and what its exceptions say, and a submission's folder name
becomes its student id. Shown raw, an ANSI escape or a carriage return can rewrite what the
terminal (or `less`, or `cat feedback/*.txt`) displays, e.g. draw a fake "Total: 14/14"; a
bidi override can reorder a line; a CSV cell starting with `=` is a formula to a spreadsheet.
Pure functions, no imports from the rest of the grader: every layer may use them.
"""

from __future__ import annotations

import re

# Kept as they are: a newline and a tab only move the cursor forward, never over what is shown.
KEPT = "\n\t"
# Invisible characters that change how the rest of a line is drawn: bidi embeddings, overrides
# and isolates (the "Trojan Source" set), the Arabic letter mark, line and paragraph separators
# (str.splitlines splits on them, terminals do not), and zero-width characters.
_FORMAT = "\u061c\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff"
_UNSAFE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_FORMAT}]")
_NAMED = {"\r": "\\r", "\b": "\\b", "\f": "\\f", "\v": "\\v"}
# OWASP's list for CSV injection: what makes a spreadsheet read a cell as a formula (or, for
# tab and carriage return, hide the formula sign behind whitespace).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """`text` with every control or invisible formatting character written as an escape
    (`\\x1b`, `\\r`, `\\u202e`); newlines, tabs and all printable text (θ, β, ∇) unchanged.
    Idempotent: escaping twice gives the same string as escaping once."""
    if text.isprintable():  # the common case, checked in C
        return text
    return _UNSAFE.sub(_escape, text)


def csv_cell(text: str) -> str:
    """A text cell for a CSV file that spreadsheets will not evaluate: a cell starting with
    `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading single quote (OWASP). For
    student-controlled text only; numbers we wrote ourselves (-0.5) must stay numbers."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
