"""Placeholders in question text: `{name}` shows a param, `{{` and `}}` show literal braces.

Only questions with `params` are templates. In any other question braces are plain text, so
LaTeX such as `$v_{t}$` needs no escaping there; in a templated question it is written
`$v_{{t}}$`, as in Python's `str.format`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

# `{{`, `}}`, or `{name}`; scanned left to right so `{{beta}}` is the literal text `{beta}`.
TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


def placeholders(text: str) -> list[str]:
    """The param names a templated text refers to, in order (escaped braces excluded)."""
    return [m.group(1) for m in TOKEN.finditer(text) if m.group(1)]


def fill_in(text: str, values: Mapping[str, float], show: Callable[[float], str]) -> str:
    """`text` with `{name}` replaced by `show(values[name])` and `{{`/`}}` by `{`/`}`.

    A name with no value is left as written, so a validation slip never hides text.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)[0]
        return show(values[name]) if name in values else match.group(0)

    return TOKEN.sub(replace, text)
