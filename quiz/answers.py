"""Parsing what a student types into a response, or a reason to ask again."""

from __future__ import annotations

import math
import re
import string

LETTERS = string.ascii_lowercase
_TRUE = {"t", "true", "a", "1"}
_FALSE = {"f", "false", "b", "2"}


class InvalidAnswer(ValueError):
    """The input cannot be read as an answer; the message says why and what to type."""


def letter(position: int) -> str:
    return LETTERS[position]


def parse_choices(text: str, count: int, *, multiple: bool) -> tuple[int, ...]:
    """Shown positions (0-based) from `b`, `B`, `2`, `a,c` or `a c`, in the order typed."""
    parts = [p for p in re.split(r"[\s,;]+", text.strip().lower()) if p]
    last = letter(count - 1)
    if not parts:
        raise InvalidAnswer(f"no answer given. Type a letter from a to {last}")
    if not multiple and len(parts) > 1:
        raise InvalidAnswer(f"choose only one answer. Type a single letter from a to {last}")
    positions: list[int] = []
    for part in parts:
        if len(part) == 1 and part in LETTERS[:count]:
            position = LETTERS.index(part)
        elif part.isdigit() and 1 <= int(part) <= count:
            position = int(part) - 1
        elif (
            part.isalpha()
            and len(part) <= count
            and multiple
            and len(set(part)) == len(part)
            and all(c in LETTERS[:count] for c in part)
        ):
            positions.extend(LETTERS.index(c) for c in part if LETTERS.index(c) not in positions)
            continue  # `ac` for a and c
        else:
            raise InvalidAnswer(
                f"`{part}` is not a choice. Type a letter from a to {last}"
                + (", or several separated by commas" if multiple else "")
            )
        if position not in positions:
            positions.append(position)
    return tuple(positions)


def parse_true_false(text: str) -> bool:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    if not word:
        raise InvalidAnswer("no answer given. Type a (true) or b (false)")
    raise InvalidAnswer(f"`{text.strip()}` is not true or false. Type a, b, t, f, true or false")


def parse_number(text: str) -> float:
    """A finite number such as `0.001`, `1e-3`, `-0.2`, `−0.2` or `1,5`."""
    cleaned = text.strip().replace("−", "-").replace("\u2009", "").replace(" ", "")
    if not cleaned:
        raise InvalidAnswer("no answer given. Type a number, e.g. -0.2 or 1e-3")
    if re.fullmatch(r"[-+]?\d+,\d+", cleaned):  # a decimal comma
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise InvalidAnswer(
            f"`{text.strip()}` is not a number. Type a number, e.g. -0.2 or 1e-3"
        ) from None
    if not math.isfinite(value):
        raise InvalidAnswer("type a finite number")
    return value
