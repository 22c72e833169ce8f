"""Showing a failing answer: never coarser than the comparison.

The checks compare to a relative 1e-9; values are shown with as many decimals as it takes for
the largest difference to show (at least 6), so "expected 1.2 / got 1.2" cannot happen. Hidden
cases show where and how much the answer differs, not the expected numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from grader.exercises.base import Answer, Case, close
from grader.judge.findings import first_differing_row

MIN_DECIMALS, MAX_DECIMALS = 6, 17


def _parts(form: Answer, value: Any) -> list[np.ndarray | None]:
    return [None if p is None else np.asarray(p, dtype=float) for p in form.parts(value)]


def decimals(pairs: Sequence[tuple[np.ndarray, np.ndarray]]) -> int:
    """The fewest decimals (at least 6) at which each pair's largest difference shows."""
    for places in range(MIN_DECIMALS, MAX_DECIMALS + 1):
        if all(_shows(g, e, places) for g, e in pairs):
            return places
    return MAX_DECIMALS


def _shows(g: np.ndarray, e: np.ndarray, places: int) -> bool:
    if g.shape != e.shape or close(g, e) or not g.size:
        return True
    with np.errstate(all="ignore"):
        i = np.unravel_index(int(np.nanargmax(np.where(np.isnan(g - e), np.inf, abs(g - e)))),
                             g.shape)  # fmt: skip
    return bool(np.round(g[i], places) != np.round(e[i], places))


def fmt(array: Any, places: int = MIN_DECIMALS) -> str:
    # + 0.0 turns the -0.0 of rounding into 0.0 ("-0." confuses).
    value = np.round(np.asarray(array, dtype=float), places) + 0.0
    return np.array2string(value, precision=places, separator=", ", floatmode="maxprec",
                           max_line_width=100, threshold=60)  # fmt: skip


def values(form: Answer, rows: Sequence[tuple[str, Any]]) -> str:
    """Lines like `  expected theta' = [...], velocity' = [...]`, aligned, with enough decimals
    to tell the rows apart."""
    parts = [_parts(form, v) for _, v in rows]
    pairs = [(a, b) for i in range(len(form.names)) for a, b in _pairs_of(parts, i)]
    places = decimals(pairs)
    width = max(len(label) for label, _ in rows)
    lines = []
    for (label, _), ps in zip(rows, parts, strict=True):
        shown = ", ".join(
            f"{name} = {'None' if p is None else fmt(p, places)}"
            for name, p in zip(form.names, ps, strict=True)
        )
        lines.append(f"  {label:<{width}} {shown}")
    return "\n".join(lines)


def _pairs_of(parts: list[list[np.ndarray | None]], i: int) -> list[tuple[np.ndarray, np.ndarray]]:
    col = [p[i] for p in parts if p[i] is not None]
    return [(col[0], other) for other in col[1:]]  # type: ignore[misc]


def describe_failure(form: Answer, case: Case, got: Any, expected: Any) -> str:
    """One failing sub-case in words: the values when the case is visible, else where it
    differs and by how much."""
    if form.kind == "count":
        if case.visible:
            return f"For {case.label}: expected {expected}, got {got}."
        return f"For {case.label}: returned {got}, which is not the expected count."
    g_parts, e_parts = _parts(form, got), _parts(form, expected)
    for name, g, e in zip(form.names, g_parts, e_parts, strict=True):
        if g is not None and e is not None and g.shape != e.shape:
            return f"For {case.label}: the {name} has shape {g.shape}; expected {e.shape}."
    g0, e0 = g_parts[0], e_parts[0]
    if len(form.names) == 1 and g0 is not None and e0 is not None and g0.ndim == 2:
        row = first_differing_row(g0, e0)
        name = form.names[0]
        if case.visible:
            places = decimals([(g0[row], e0[row])])
            return (
                f"For {case.label}: the {name} first differs at row {row}:\n"
                f"  expected {fmt(e0[row], places)}\n  got      {fmt(g0[row], places)}"
            )
        return f"For {case.label}: the {name} first differs from the expected one at row {row}{_gap(g0[row], e0[row])}."  # noqa: E501
    if case.visible:
        return f"For {case.label}:\n" + values(form, (("expected", expected), ("got", got)))
    wrong = [
        (n, g, e) for n, g, e in zip(form.names, g_parts, e_parts, strict=True) if not close(g, e)
    ]
    what = " and ".join(n for n, _, _ in wrong)
    verb = "differs" if len(wrong) == 1 else "differ"
    return f"For {case.label}: the returned {what} {verb} from the expected values{_gap(*wrong[0][1:])}."  # noqa: E501


def _gap(g: np.ndarray | None, e: np.ndarray | None) -> str:
    if g is None or e is None or not e.size or not np.isfinite(g).all():
        return ""
    scale = float(np.max(np.abs(e)))
    if scale == 0:
        return ""
    return f" (largest difference {float(np.max(np.abs(g - e))) / scale:.2g} of the largest value)"
