"""What an exercise module declares: its signature, its answer's form, its cases and mistakes.

Plain data and pure functions only (no I/O, no student code), so every layer above may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.sandbox.protocol import Call

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
    tags: tuple[str, ...] = field(default=())
    module: str = ""  # the file in exercises/ (from course.toml), set when cases are built

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
    return got.shape == expected.shape and bool(
        np.allclose(got, expected, rtol=1e-9, atol=1e-12, equal_nan=False)
    )


@dataclass(frozen=True)
class Answer:
    """The form of an exercise's return value: how the reference's answer is normalised,
    stored as one float64 array in recorded references, and compared."""

    kind: str
    normalise: Callable[[Any], Any]
    encode: Callable[[Any], np.ndarray]
    decode: Callable[[np.ndarray], Any]
    same: Callable[[Any, Any], bool]


def _pair(value: Any) -> tuple[np.ndarray, np.ndarray]:
    a, b = value
    return np.asarray(a, dtype=float), np.asarray(b, dtype=float)


PAIR = Answer(
    "pair",
    normalise=_pair,
    encode=lambda v: np.stack([np.asarray(x, dtype=np.float64) for x in v]),
    decode=lambda a: (a[0].copy(), a[1].copy()),
    same=lambda g, e: all(close(x, y) for x, y in zip(g, e, strict=True)),
)
"""Two arrays of the same shape, such as (theta', velocity')."""

ARRAY = Answer(
    "array",
    normalise=lambda v: np.asarray(v, dtype=float),
    encode=lambda v: np.asarray(v, dtype=np.float64),
    decode=lambda a: a.copy(),
    same=close,
)
"""One float array, such as a trajectory."""

COUNT = Answer(
    "count",
    normalise=lambda v: None if v is None else int(v),
    encode=lambda v: np.array(np.nan if v is None else float(v)),
    decode=lambda a: None if np.isnan(a) else int(a),
    same=lambda g, e: g == e,
)
"""A whole number, or None."""


@dataclass(frozen=True)
class ExerciseSpec:
    """Everything the grader knows about one exercise; course.toml adds file, points, hints.

    signature: (parameter, default or REQUIRED) in order, as the stub promises.
    cases: builds the cases from a random generator seeded per exercise.
    correct: the right answer computed like the mistakes are (for diagnosis).
    mistakes: known wrong answers, each with the feedback that names it.
    variants: other correct ways of answering (a mistake that equals one says nothing).
    """

    name: str
    signature: tuple[tuple[str, Any], ...]
    answer: Answer
    cases: Callable[[np.random.Generator], list[Case]]
    correct: Callable[[dict[str, Any]], Any]
    mistakes: tuple[Mistake, ...] = ()
    variants: tuple[Callable[[dict[str, Any]], Any], ...] = ()

    @property
    def parameters(self) -> list[str]:
        return [name for name, _ in self.signature]


# ---- helpers the case builders share --------------------------------------------------------


def vec(rng: np.random.Generator, d: int, scale: float = 2.0) -> np.ndarray:
    return np.round(rng.normal(0.0, scale, d), 6)


def lr_beta(rng: np.random.Generator, max_lr: float = 0.3) -> tuple[float, float]:
    """Three decimals, never the defaults: a hard-coded 0.1 or 0.9 must show up."""
    lr = round(float(rng.uniform(0.011, max_lr)), 3)
    beta = round(float(rng.uniform(0.5, 0.985)), 3)
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


def not_default(key: str, default: float) -> Callable[[dict[str, Any]], bool]:
    return lambda p: p[key] != default
