"""What an exercise module declares: its signature, its answer's form, its cases and mistakes.

Plain data and pure functions only (no I/O, no student code), so every layer above may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.sandbox.protocol import Call, Returned

REQUIRED = object()


@dataclass(frozen=True)
class Case:
    """One input to one exercise. `visible` cases may show expected values in feedback."""

    id: str
    exercise: str
    group: str
    params: dict[str, Any]
    label: str
    style: str = "positional"  # positional | keywords | defaults
    visible: bool = False
    module: str = ""  # the file in exercises/ (from course.toml), set when cases are built
    repeats: str = ""  # the id of an earlier case with the same arguments (a state probe)

    def call(self) -> Call:
        """The student call for this case in its calling style (positional, keywords, or
        relying on the defaults)."""
        from grader.exercises import spec

        signature = spec(self.exercise).signature
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for name, default in signature:
            value = self.params[name]
            if self.style == "defaults" and default is not REQUIRED and _same(value, default):
                continue
            if self.style == "keywords" and default is not REQUIRED:
                kwargs[name] = value
            elif kwargs or (self.style == "defaults" and len(args) < _position(signature, name)):
                kwargs[name] = value
            else:
                args.append(value)
        if self.style == "keywords":
            kwargs = dict(reversed(list(kwargs.items())))  # order must not matter
        return Call(self.id, self.module, self.exercise, tuple(args), kwargs)


def _position(signature: tuple[tuple[str, Any], ...], name: str) -> int:
    return [n for n, _ in signature].index(name)


def _same(value: Any, default: Any) -> bool:
    return type(value) is type(default) and value == default


@dataclass(frozen=True)
class Mistake:
    """A known wrong way to solve the exercise: `compute` gives what that mistake returns."""

    key: str
    message: str
    compute: Callable[[dict[str, Any]], Any]
    applies: Callable[[dict[str, Any]], bool] = lambda p: True


def close(got: Any, expected: Any) -> bool:
    """Equal within float64 rounding (rtol 1e-9): loose enough for any order of operations,
    tight enough that no wrong formula passes."""
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape:
        return False
    if got.dtype.kind == "f" and expected.dtype.kind == "f":
        # np.allclose's own test, written out: it costs a quarter of the time, and a batch
        # makes some 30 000 of these comparisons per 100 students. As there, an infinity is
        # close only to itself (the tolerance around it is infinite), NaN to nothing.
        with np.errstate(invalid="ignore", over="ignore"):
            near = np.abs(got - expected) <= 1e-12 + 1e-9 * np.abs(expected)
            return bool(((near & np.isfinite(expected)) | (got == expected)).all())
    return bool(np.allclose(got, expected, rtol=1e-9, atol=1e-12, equal_nan=False))


class Unreadable(Exception):
    """A returned value that is not in the answer's form at all; the message says what it was
    and what to return instead (it completes "`func` returned ...")."""


@dataclass(frozen=True)
class Answer:
    """The form of an exercise's return value: how the reference's answer is normalised,
    stored as one float64 array in recorded references, read from what a student returned,
    split into named parts for the feedback, and compared."""

    kind: str
    normalise: Callable[[Any], Any]
    encode: Callable[[Any], np.ndarray]
    decode: Callable[[np.ndarray], Any]
    same: Callable[[Any, Any], bool]
    read: Callable[[Returned, Any], Any]  # (returned, expected) -> value, or raise Unreadable
    parts: Callable[[Any], tuple[np.ndarray | None, ...]]
    names: tuple[str, ...]  # one name per part, as the feedback calls it


def _pair(value: Any) -> tuple[np.ndarray, np.ndarray]:
    a, b = value
    return np.asarray(a, dtype=float), np.asarray(b, dtype=float)


def _what(got: Returned) -> str:
    """What was returned; for a sequence, also the first item that is not numbers (text,
    None, a dict...)."""
    what = got.describe()
    if got.kind == "seq":
        odd = [(i, x) for i, x in enumerate(got.items) if x.kind != "array"]
        if odd:
            what += f" (item {odd[0][0]} is {odd[0][1].describe()})"
    return what


def _read_pair(got: Returned, expected: Any) -> tuple[np.ndarray, np.ndarray]:
    if got.kind == "none":
        raise Unreadable("None. Did you forget a `return` statement?")
    array = got.array if got.kind == "array" else None
    if array is not None and array.ndim == 2 and len(array) == 2:
        return array[0], array[1]
    if got.kind == "seq" and len(got.items) == 2 and all(i.kind == "array" for i in got.items):
        return got.items[0].array, got.items[1].array  # type: ignore[return-value]
    raise Unreadable(
        f"{_what(got)}; it should return a pair (theta', velocity') of number arrays: "
        "`return new_theta, new_velocity`."
    )


PAIR = Answer(
    "pair",
    normalise=_pair,
    encode=lambda v: np.stack([np.asarray(x, dtype=np.float64) for x in v]),
    decode=lambda a: (a[0].copy(), a[1].copy()),
    same=lambda g, e: all(close(x, y) for x, y in zip(g, e, strict=True)),
    read=_read_pair,
    parts=lambda v: (v[0], v[1]),
    names=("theta'", "velocity'"),
)
"""Two arrays of the same shape, such as (theta', velocity')."""


def _read_array(got: Returned, expected: Any) -> np.ndarray:
    if got.kind == "none":
        raise Unreadable("None. Did you forget a `return` statement?")
    value = got.as_array()
    if value is None:
        raise Unreadable(
            f"{_what(got)}, which is not one array of numbers. Return np.stack(rows) or "
            "np.array(rows)."
        )
    shape = np.shape(expected)
    if value.ndim == 1 and len(shape) == 2 and shape == (len(value), 1):
        value = value.reshape(shape)  # a 1-D problem returned as a flat list of numbers
    return value


ARRAY = Answer(
    "array",
    normalise=lambda v: np.asarray(v, dtype=float),
    encode=lambda v: np.asarray(v, dtype=np.float64),
    decode=lambda a: a.copy(),
    same=close,
    read=_read_array,
    parts=lambda v: (v,),
    names=("result",),
)
"""One float array, such as a trajectory (use dataclasses.replace to name it)."""


def _read_count(got: Returned, expected: Any) -> int | None:
    if got.kind == "none":
        return None
    value = got.as_array()
    if got.type_name in ("bool", "bool_"):  # False is not a count of 0 (`return k or False`)
        raise Unreadable(f"a bool ({bool(value)}); it should return a whole number, or None.")
    if value is None or value.shape != () or not np.isfinite(value) or value != int(value):
        raise Unreadable(f"{got.describe()}; it should return a whole number, or None.")
    return int(value)


COUNT = Answer(
    "count",
    normalise=lambda v: None if v is None else int(v),
    encode=lambda v: np.array(np.nan if v is None else float(v)),
    decode=lambda a: None if np.isnan(a) else int(a),
    same=lambda g, e: g == e,
    read=_read_count,
    parts=lambda v: (None if v is None else np.array(float(v)),),
    names=("count",),
)
"""A whole number, or None."""


@dataclass(frozen=True)
class ExerciseSpec:
    """Everything the grader knows about one exercise; course.toml adds file, points, hints.

    signature: (parameter, default or REQUIRED) in order, as the stub promises.
    cases: builds the cases from a random generator seeded per exercise.
    correct: the right answer computed like the mistakes are (for diagnosis).
    mistakes: known wrong answers, each with the feedback that names it.
    findings: observations only this exercise can make, each (failing, params of each) ->
        text or None; the engine's generic findings (factors, precision, substitutions, shapes)
        apply to every exercise without being listed here.
    """

    name: str
    signature: tuple[tuple[str, Any], ...]
    answer: Answer
    cases: Callable[[np.random.Generator], list[Case]]
    correct: Callable[[dict[str, Any]], Any]
    mistakes: tuple[Mistake, ...] = ()
    findings: tuple[Callable[[list[tuple[Any, Any, dict[str, Any]]]], str | None], ...] = ()

    @property
    def parameters(self) -> list[str]:
        return [name for name, _ in self.signature]


# ---- helpers the case builders share --------------------------------------------------------


def vec(rng: np.random.Generator, d: int, scale: float = 2.0) -> np.ndarray:
    return np.round(rng.normal(0.0, scale, d), 6)


def lr_beta(rng: np.random.Generator, max_lr: float = 0.3,
            part: tuple[int, int] | None = None) -> tuple[float, float]:  # fmt: skip
    """Three decimals, never the defaults: a hard-coded 0.1 or 0.9 must show up.

    part = (i, n): the i-th of n cases of one check takes beta from the i-th of n equal slices
    of its range (and lr from the slices in reverse), so every check meets beta above 0.9 and
    below 0.6 whatever the seed: code that goes wrong only for some betas cannot pass by luck.
    """
    lo, hi = 0.011, max_lr
    b_lo, b_hi = 0.5, 0.985
    if part is not None:
        i, n = part[0] % part[1], part[1]
        lo, hi = lo + (hi - lo) * (n - 1 - i) / n, lo + (hi - lo) * (n - i) / n
        b_lo, b_hi = b_lo + (b_hi - b_lo) * i / n, b_lo + (b_hi - b_lo) * (i + 1) / n
    lr = round(float(rng.uniform(lo, hi)), 3)
    beta = round(float(rng.uniform(b_lo, b_hi)), 3)
    if lr == 0.1:
        lr = 0.101
    if beta == 0.9:
        beta = 0.901
    return lr, beta


def dims(rng: np.random.Generator, n: int) -> list[int]:
    """n dimensions from 1 to 50, always including 1 and 50 and avoiding a run of 2s."""
    out = [1, 50] + [int(d) for d in rng.integers(3, 50, n)]
    return out[:n]


def curvatures(rng: np.random.Generator, d: int) -> np.ndarray:
    return np.round(rng.uniform(0.2, 3.0, d), 4)


def again(case: Case, n: int, when: str) -> Case:
    """The same call as `case`, made again later: a function that keeps state between calls
    (a global velocity, a mutable default argument) answers differently the second time."""
    params = {k: v.copy() if isinstance(v, np.ndarray | list) else v
              for k, v in case.params.items()}  # fmt: skip
    return Case(f"{case.exercise}/again/{n}", case.exercise, "again", params,
                f"{case.label}, called again {when}", case.style, repeats=case.id)  # fmt: skip
