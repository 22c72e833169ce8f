"""Wrapping that keeps formulas whole, and scores people can read (2/3, 10.67).

Before wrapping, the spaces inside `$...$`, around operators (`v ← βv − α∇f(θ + βv)`) and
inside short bracketed maths (`(2, 2)`) are swapped for a private-use character that
textwrap does not treat as a space; they become spaces again afterwards. Text is translated
for the terminal (β → beta on an ASCII stream) before wrapping, so widths are right.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from fractions import Fraction

NB = "\ue000"  # a space where a line must not break
OPERATORS = frozenset("← → ⇒ = + − - · × * / ^ ≤ ≥ ≈ ≠ < > ± <- -> <= >= != ~= +/- | ||".split())
_MATH = re.compile(r"\$[^$\n]+\$")
_BRACKETS = re.compile(r"\([^()\n]{1,30}\)|\[[^\[\]\n]{1,30}\]")
_WORDY = re.compile(r"[A-Za-z]{4,}")

Translate = Callable[[str], str]


def _bind(text: str) -> str:
    """Mark the spaces that must not break inside formulas."""
    text = _MATH.sub(lambda m: m.group(0).replace(" ", NB), text)
    text = _BRACKETS.sub(
        lambda m: m.group(0) if _WORDY.search(m.group(0)) else m.group(0).replace(" ", NB), text
    )
    tokens = text.split(" ")
    out = tokens[:1]
    for before, token in zip(tokens, tokens[1:], strict=False):
        glue = NB if token in OPERATORS or before in OPERATORS else " "
        out += [glue, token]
    return "".join(out)


def _translate(text: str, translate: Translate | None) -> str:
    """Translate atom by atom, so spaces a translation adds ("βv" → "beta v") stay bound."""
    if translate is None:
        return text
    words = []
    for word in text.split(" "):
        atoms = [translate(atom).replace(" ", NB) for atom in word.split(NB)]
        words.append(NB.join(atoms))
    return " ".join(words)


def fill(
    text: str, width: int, indent: str = "", hang: int = 0, translate: Translate | None = None
) -> str:
    """Wrap each paragraph at spaces outside formulas; `hang` indents continuation lines."""
    rest = indent + " " * hang
    lines = []
    for paragraph in text.splitlines() or [""]:
        bound = _translate(_bind(paragraph), translate)
        wrapped = textwrap.fill(
            bound,
            width,
            initial_indent=indent,
            subsequent_indent=rest,
            break_long_words=False,  # an overlong formula overflows rather than splits
            break_on_hyphens=False,  # `1-beta` after an ASCII fallback is one term
        )
        lines.append(wrapped.replace(NB, " "))
    return "\n".join(lines)


def number(value: float) -> str:
    """`0.2`, not `0.20000000000000004`; integers without `.0`."""
    return f"{value:.10g}"


def decimal(value: float) -> str:
    """A score as a student reads it: `3`, `0.5`, `10.67` (at most two decimals)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def part(value: float) -> str:
    """A partial score below one point: `0.5` when two decimals are exact, else a small
    fraction when it is one (`2/3`), else two decimals."""
    fraction = Fraction(value).limit_denominator(12)
    if abs(float(decimal(value)) - value) < 1e-9:
        return decimal(value)
    if 0 < value < 1 and abs(float(fraction) - value) < 1e-9:
        return f"{fraction.numerator}/{fraction.denominator}"
    return decimal(value)


def points(value: float) -> str:
    """`1 point`, `2 points`, `1.5 points`."""
    return f"{decimal(value)} point{'' if value == 1 else 's'}"
