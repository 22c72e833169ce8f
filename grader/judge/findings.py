"""Structural findings: what is observably true of every failing sub-case, with no list of
mistakes. Each finding looks at (got, expected) pairs only and returns a sentence, or None when
it does not hold for every failing sub-case. They apply to every exercise alike.

The parts of an answer (theta' and velocity', a trajectory, a count) come from the exercise's
answer form (`Answer.parts`, `Answer.names`); nothing here names an exercise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.exercises.base import Answer, close

FLOAT32_GAP = (5e-10, 1e-4)  # relative gaps that float32 arithmetic (eps 6e-8) leaves behind


@dataclass(frozen=True)
class Failing:
    """A failing sub-case as the findings see it."""

    got: Any
    expected: Any
    params: dict[str, Any]
    aliased: bool = False


def _parts(form: Answer, value: Any) -> list[np.ndarray | None]:
    return [None if p is None else np.asarray(p, dtype=float) for p in form.parts(value)]


def _every(cases: Sequence[Failing], test: Callable[[Failing], bool]) -> bool:
    return bool(cases) and all(test(c) for c in cases)


def aliased(form: Answer, cases: Sequence[Failing]) -> str | None:
    if _every(cases, lambda c: c.aliased):
        return (
            "the returned list holds the same array object several times, so every row shows "
            "its last value: it was changed in place. Append a new array each step "
            "(`theta = theta - ...`, not `theta -= ...`): not the same array again and again."
        )
    return None


def non_finite(form: Answer, cases: Sequence[Failing]) -> str | None:
    def bad(c: Failing) -> bool:
        pairs = zip(_parts(form, c.got), _parts(form, c.expected), strict=True)
        return any(
            g is not None and e is not None and g.shape == e.shape
            and bool((~np.isfinite(g) & np.isfinite(e)).any())
            for g, e in pairs
        )  # fmt: skip

    if _every(cases, bad):
        return (
            "it returns NaN or inf where the expected values are finite. Look for a division, "
            "a wrong sign that makes the iteration blow up, or an uninitialised array (np.empty)."
        )
    return None


def whole_numbers(form: Answer, cases: Sequence[Failing]) -> str | None:
    def test(c: Failing) -> bool:
        got = [g for g in _parts(form, c.got) if g is not None and g.size]
        exp = [e for e in _parts(form, c.expected) if e is not None]
        return (
            bool(got)
            and all(np.array_equal(g, np.round(g)) for g in got)
            and any(not np.array_equal(e, np.round(e)) for e in exp)
            # Whole numbers alone prove nothing (a missing lr on whole gradients gives them
            # too): the case must have had integer inputs, or the values be the expected ones
            # cut to whole numbers.
            and (_integer_inputs(c.params) or _truncated(form, c))
        )

    if form.kind != "count" and _every(cases, test):
        return (
            "every returned value is a whole number where the expected ones are not: the "
            "numbers are kept in an integer array (the dtype of an integer theta0?). Work on a "
            "float copy: np.array(theta0, dtype=float)."
        )
    return None


def _integer_inputs(params: dict[str, Any]) -> bool:
    def whole(v: Any) -> bool:
        if isinstance(v, np.ndarray):
            return v.dtype.kind in "iu"
        return isinstance(v, list | tuple) and bool(v) and all(type(x) is int for x in v)

    return any(whole(v) for v in params.values())


def _truncated(form: Answer, c: Failing) -> bool:
    pairs = zip(_parts(form, c.got), _parts(form, c.expected), strict=True)
    return all(
        g is None or e is None
        or (g.shape == e.shape and any(np.array_equal(g, f(e)) for f in (np.trunc, np.floor)))
        for g, e in pairs
    )  # fmt: skip


def _gap(g: np.ndarray, e: np.ndarray) -> float:
    scale = float(np.max(np.abs(e))) if e.size else 0.0
    return float(np.max(np.abs(g - e))) / max(scale, 1e-300) if e.size else 0.0


def precision(form: Answer, cases: Sequence[Failing]) -> str | None:
    gaps: list[float] = []
    for c in cases:
        pairs = list(zip(_parts(form, c.got), _parts(form, c.expected), strict=True))
        if any(g is None or e is None or g.shape != e.shape for g, e in pairs):
            return None
        with np.errstate(all="ignore"):
            gap = max(_gap(g, e) for g, e in pairs if g is not None and e is not None)
        if not FLOAT32_GAP[0] < gap <= FLOAT32_GAP[1]:
            return None
        gaps.append(gap)
    if form.kind == "count" or not gaps:
        return None
    worst = max(gaps)
    digits = max(1, int(-np.log10(worst)))
    return (
        f"close but not equal: it agrees with the expected values to about {digits} "
        f"significant digits (largest relative difference {worst:.1e}), about the precision of "
        "float32 arithmetic. Is something computed in float32 (np.float32) or rounded? Compute "
        "in float64 (np.asarray(x, dtype=float)); the checks compare to 1e-9."
    )


def swapped_parts(form: Answer, cases: Sequence[Failing]) -> str | None:
    if len(form.names) != 2:
        return None

    def test(c: Failing) -> bool:
        (g0, g1), (e0, e1) = _parts(form, c.got), _parts(form, c.expected)
        return close(g0, e1) and close(g1, e0)

    if _every(cases, test):
        a, b = form.names
        return f"{a} and {b} come back in each other's place (the pair is swapped)."
    return None


def shapes(form: Answer, cases: Sequence[Failing]) -> str | None:
    """A transpose, a reshape, a row too many or too few: the same fact on every case."""
    found: set[str] | None = None
    for c in cases:
        facts: dict[str, list[str]] = {}
        for name, g, e in zip(form.names, _parts(form, c.got), _parts(form, c.expected),
                              strict=True):  # fmt: skip
            if g is None or e is None or g.shape == e.shape:
                continue
            fact = _shape_fact(g, e)
            if fact is None:
                return None
            facts.setdefault(fact, []).append(name)
        sentences = {f.format(name=" and ".join(names)) for f, names in facts.items()}
        found = sentences if found is None else found & sentences
        if not found:
            return None
    return " ".join(sorted(found)) if found else None


def _shape_fact(g: np.ndarray, e: np.ndarray) -> str | None:
    """A sentence with {name} for the part, or None if the shapes relate in no simple way."""
    if g.ndim == 2 and g.T.shape == e.shape and close(g.T, e):
        return "the {name} is transposed: one row per step, one column per coordinate."
    if g.size == e.size and close(g.reshape(e.shape), e):
        return "the {name} has the right numbers in the wrong shape."
    if g.shape[:-1] == e.shape[:-1] and g.ndim and g.shape[-1] == 2 and e.shape[-1] != 2:
        return (
            "the {name} has 2 coordinates where theta has " + str(e.shape[-1]) + ": it looks "
            "like the example's 2 dimensions are hard-coded."
        )
    if g.ndim == e.ndim >= 2 and g.shape[1:] == e.shape[1:]:
        if len(g) == len(e) - 1 and close(g, e[1:]):
            return "the first row is missing from the {name}: row 0 must be the start itself."
        if len(g) == len(e) - 1 and close(g, e[:-1]):
            return "the last row is missing from the {name}: one update too few."
        if len(g) == len(e) + 1 and close(g[:-1], e):
            return "the {name} has one row too many at the end: one update too many."
        if len(g) == len(e) + 1 and close(g[1:], e):
            return "the {name} has one row too many at the start."
        diff = len(g) - len(e)
        rows = "row" if abs(diff) == 1 else "rows"
        return f"the {{name}} has {abs(diff)} {rows} too {'many' if diff > 0 else 'few'}."
    return None


def factor(form: Answer, cases: Sequence[Failing]) -> str | None:
    """A part that is the expected one times a constant, or times ±lr, ±1/beta, ..."""
    if form.kind == "count":
        return None
    out = []
    for i, name in enumerate(form.names):
        ratios = []
        for c in cases:
            g, e = _parts(form, c.got)[i], _parts(form, c.expected)[i]
            if g is None or e is None or g.shape != e.shape or not np.any(e):
                ratios = []
                break
            if close(g, e):
                ratios.append(1.0)
                continue
            r = float(np.dot(g.ravel(), e.ravel()) / np.dot(e.ravel(), e.ravel()))
            if not close(g, r * e):
                ratios = []
                break
            ratios.append(r)
        if not ratios or all(abs(r - 1) < 1e-9 for r in ratios):
            continue
        words = _ratio_words(ratios, [c.params for c in cases])
        if words:
            out.append(f"{name} is {words} the expected {name}.")
    return " ".join(out) or None


def _ratio_words(ratios: list[float], params: list[dict[str, Any]]) -> str | None:
    if all(abs(r - ratios[0]) <= 1e-9 * max(1.0, abs(ratios[0])) for r in ratios):
        r = ratios[0]
        if abs(r + 1) < 1e-9:
            return "the negative of"
        # A constant can also be a parameter's value on these cases: say both, the number first.
        also = _param_ratio(ratios, params)
        return f"{r:.10g} times" + (f", that is {also} times," if also else "")
    words = _param_ratio(ratios, params)
    return f"{words} times" if words else None


def _param_ratio(ratios: list[float], params: list[dict[str, Any]]) -> str | None:
    """The ratios as ±k, ±1/k or ±(1 − k) times for one real parameter k on every case."""
    names = [k for k, v in params[0].items() if isinstance(v, float) and not isinstance(v, bool)]
    forms: list[tuple[str, Callable[[float], float]]] = []
    for k in names:
        forms += [(k, lambda x: x), (f"1/{k}", lambda x: 1 / x), (f"(1 − {k})", lambda x: 1 - x)]
    for text, f in forms:
        key = text.strip("()").split("/")[-1].split(" ")[-1]
        for sign in (1, -1):
            wants = [sign * f(float(p[key])) if p[key] else np.nan for p in params]
            if all(np.isclose(r, w, rtol=1e-9) for r, w in zip(ratios, wants, strict=True)):
                return f"{'−' if sign < 0 else ''}{text}"
    return None


def count_offset(form: Answer, cases: Sequence[Failing]) -> str | None:
    if form.kind != "count":
        return None
    if _every(cases, lambda c: c.got is None and c.expected is not None):
        return "it returns None where a number is expected."
    if _every(cases, lambda c: c.got is not None and c.expected is None):
        return "it returns a number where None is expected."
    if _every(cases, lambda c: c.got is not None and c.expected is not None):
        diffs = {c.got - c.expected for c in cases}
        if len(diffs) == 1:
            (d,) = diffs
            return f"the count is {abs(d)} {'more' if d > 0 else 'less'} than expected."
        # Not by a constant, but always the same way (a weaker or a stronger stopping test,
        # or a faster or slower method: the counts alone cannot tell which).
        if all(d < 0 for d in diffs) or all(d > 0 for d in diffs):
            low, high = min(abs(d) for d in diffs), max(abs(d) for d in diffs)
            way = "sooner" if min(diffs) < 0 else "later"
            return f"it stops {low} to {high} steps {way} than expected."
    return None


def first_row(form: Answer, cases: Sequence[Failing]) -> str | None:
    """Right for k steps then wrong: the same first differing row in every case."""
    rows = set()
    for c in cases:
        g, e = _parts(form, c.got)[0], _parts(form, c.expected)[0]
        if g is None or e is None or g.ndim != 2 or g.shape != e.shape:
            return None
        rows.add(first_differing_row(g, e))
    if len(rows) != 1:
        return None
    (k,) = rows
    name = form.names[0]
    if k == 0:
        return f"row 0 of the {name} already differs: row 0 must be the start itself."
    step = _step_ratio(form, cases, k)
    if k == 1:
        return (
            "row 0 is right and the first step (row 1) already differs: "
            + (f"the first step (row 1 − row 0) is {step} the expected step." if step else
               "look at one update.")
        )  # fmt: skip
    updates = "the first update is right" if k == 2 else f"the first {k - 1} updates are right"
    return (
        f"rows 0 to {k - 1} are right and row {k} differs: {updates}, so look at what "
        "carries over from one step to the next: the velocity, and the gradient, which must be "
        "computed again at each new θ."
    )


def _step_ratio(form: Answer, cases: Sequence[Failing], k: int) -> str | None:
    """How the step into row k compares with the expected step, if by the same factor (or the
    same parameter) in every case: a sign flip reads "the negative of"."""
    ratios = []
    for c in cases:
        g, e = _parts(form, c.got)[0], _parts(form, c.expected)[0]
        assert g is not None and e is not None
        dg, de = (g[k] - g[k - 1]).ravel(), (e[k] - e[k - 1]).ravel()
        if not np.any(de):
            return None
        r = float(np.dot(dg, de) / np.dot(de, de))
        if not close(dg, r * de) or abs(r - 1) < 1e-9:
            return None
        ratios.append(r)
    return _ratio_words(ratios, [c.params for c in cases])


def first_differing_row(g: np.ndarray, e: np.ndarray) -> int:
    rows = ~np.isclose(g, e, rtol=1e-9, atol=1e-12).all(axis=tuple(range(1, g.ndim)))
    return int(np.argmax(rows))


def partly_right(form: Answer, cases: Sequence[Failing]) -> str | None:
    if len(form.names) < 2:
        return None
    right = set(form.names)
    for c in cases:
        for name, g, e in zip(form.names, _parts(form, c.got), _parts(form, c.expected),
                              strict=True):  # fmt: skip
            if not close(g, e):
                right.discard(name)
    wrong = [n for n in form.names if n not in right]
    if right and wrong:
        return f"{' and '.join(sorted(right))} is right every time; only {' and '.join(wrong)} differs."  # noqa: E501
    return None


# Most specific first: the feedback shows the first two that hold.
FINDINGS = (aliased, non_finite, whole_numbers, precision, swapped_parts, shapes, factor,
            count_offset, first_row, partly_right)  # fmt: skip
