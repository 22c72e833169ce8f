"""The cases each exercise is checked on, built from a seed (pure: no I/O, no student code).

A case holds its parameters by name; `Case.call()` turns them into the student call in the
case's calling style (positional, keywords, or relying on the defaults), and `reference.py`
computes what the call should return. The same seed always gives the same cases, and one
exercise's cases do not depend on which other exercises are selected.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.protocol import GradSpec
from grader.sandbox import Call

REQUIRED = object()

# name -> (module, [(parameter, default)]): the exact signatures the exercises promise.
SIGNATURES: dict[str, tuple[str, list[tuple[str, Any]]]] = {
    "momentum_step": (
        "momentum",
        [("theta", REQUIRED), ("velocity", REQUIRED), ("grad", REQUIRED), ("lr", 0.1),
         ("beta", 0.9)],
    ),
    "optimize": (
        "momentum",
        [("grad_fn", REQUIRED), ("theta0", REQUIRED), ("lr", 0.1), ("steps", 30),
         ("momentum", False), ("beta", 0.9)],
    ),
    "nesterov_step": (
        "nesterov",
        [("theta", REQUIRED), ("velocity", REQUIRED), ("grad_fn", REQUIRED), ("lr", 0.1),
         ("beta", 0.9)],
    ),
    "steps_to_converge": (
        "tuning",
        [("grad_fn", REQUIRED), ("theta0", REQUIRED), ("lr", 0.1), ("beta", 0.9),
         ("tol", 1e-6), ("max_steps", 1000)],
    ),
}  # fmt: skip

LESSON_START = np.array([2.0, 2.0])
RAVINE = GradSpec.surface("ravine")


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

    def call(self) -> Call:
        module, signature = SIGNATURES[self.exercise]
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
        return Call(self.id, module, self.exercise, tuple(args), kwargs)


def _position(signature: list[tuple[str, Any]], name: str) -> int:
    return [n for n, _ in signature].index(name)


def _same(value: Any, default: Any) -> bool:
    return type(value) is type(default) and value == default


def build(exercises: list[str], seed: int) -> list[Case]:
    """All cases for the named exercises, in order."""
    cases: list[Case] = []
    for name in exercises:
        rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
        cases.extend(BUILDERS[name](rng))
    return cases


def _vec(rng: np.random.Generator, d: int, scale: float = 2.0) -> np.ndarray:
    return np.round(rng.normal(0.0, scale, d), 6)


def _lr_beta(rng: np.random.Generator, max_lr: float = 0.3) -> tuple[float, float]:
    # Three decimals, never the defaults: a hard-coded 0.1 or 0.9 must show up.
    lr = round(float(rng.uniform(0.011, max_lr)), 3)
    beta = round(float(rng.uniform(0.5, 0.985)), 3)
    if lr == 0.1:
        lr = 0.101
    if beta == 0.9:
        beta = 0.901
    return lr, beta


def _dims(rng: np.random.Generator, n: int) -> list[int]:
    """n dimensions from 1 to 50, always including 1 and 50 and avoiding a run of 2s."""
    dims = [1, 50] + [int(d) for d in rng.integers(3, 50, n)]
    return dims[:n]


def _curvatures(rng: np.random.Generator, d: int) -> np.ndarray:
    return np.round(rng.uniform(0.2, 3.0, d), 4)


def _momentum_step_cases(rng: np.random.Generator) -> list[Case]:
    ex = "momentum_step"
    cases = [
        Case(f"{ex}/lesson/0", ex, "lesson",
             dict(theta=LESSON_START.copy(), velocity=np.zeros(2), grad=np.array([8.0, 2.0]),
                  lr=0.1, beta=0.9),
             "the lesson's first step: theta = (2, 2), velocity = (0, 0), grad = (8, 2)",
             visible=True),
        Case(f"{ex}/lesson/1", ex, "lesson",
             dict(theta=np.array([1.2, 1.8]), velocity=np.array([-0.8, -0.2]),
                  grad=np.array([4.8, 1.8]), lr=0.1, beta=0.9),
             "the lesson's second step: theta = (1.2, 1.8), velocity = (-0.8, -0.2), "
             "grad = (4.8, 1.8)", visible=True),
    ]  # fmt: skip
    styles = ["positional", "keywords"]
    for i, d in enumerate(_dims(rng, 12)):
        lr, beta = _lr_beta(rng)
        velocity = np.zeros(d) if i == 2 else _vec(rng, d, 1.0)
        params = dict(theta=_vec(rng, d), velocity=velocity, grad=_vec(rng, d, 3.0), lr=lr,
                      beta=beta)  # fmt: skip
        style = styles[i % 2]
        start = "zero" if i == 2 else "nonzero"
        label = f"d = {d}, lr = {lr}, beta = {beta}, {start} velocity, {style} arguments"
        cases.append(Case(f"{ex}/random/{i}", ex, "random", params, label, style))
    for i, d in enumerate((3, 17)):
        params = dict(theta=_vec(rng, d), velocity=_vec(rng, d, 1.0), grad=_vec(rng, d, 3.0),
                      lr=0.1, beta=0.9)  # fmt: skip
        label = f"d = {d}, called without lr and beta (defaults 0.1 and 0.9)"
        cases.append(Case(f"{ex}/defaults/{i}", ex, "defaults", params, label, "defaults"))
    return cases


def _optimize_cases(rng: np.random.Generator) -> list[Case]:
    ex = "optimize"
    cases = []
    for momentum in (False, True):
        name = "momentum" if momentum else "gradient descent"
        cases.append(
            Case(f"{ex}/lesson-{'momentum' if momentum else 'gd'}/0", ex,
                 "lesson-momentum" if momentum else "lesson-gd",
                 dict(grad_fn=RAVINE, theta0=LESSON_START.copy(), lr=0.1, steps=30,
                      momentum=momentum, beta=0.9),
                 f"the lesson's experiment: {name} on the ravine ½(4x² + y²) from (2, 2), "
                 "lr = 0.1, beta = 0.9, 30 steps", visible=True)
        )  # fmt: skip
    for i, (steps, momentum) in enumerate([(0, False), (0, True), (1, False), (1, True)]):
        d = int(rng.integers(2, 8))
        lr, beta = _lr_beta(rng)
        params = dict(grad_fn=GradSpec.quadratic(_curvatures(rng, d)), theta0=_vec(rng, d),
                      lr=lr, steps=steps, momentum=momentum, beta=beta)  # fmt: skip
        label = f"steps = {steps}, momentum = {momentum}, d = {d}"
        cases.append(Case(f"{ex}/short/{i}", ex, "short", params, label))
    styles = ["positional", "keywords", "positional", "defaults"]
    for momentum, group in ((False, "random-gd"), (True, "random-momentum")):
        for i, d in enumerate(_dims(rng, 8)):
            curv = _curvatures(rng, d)
            # lr·max(a) < 1.5 keeps both methods stable, so the numbers stay comparable.
            lr, beta = _lr_beta(rng, max_lr=min(0.3, 1.5 / float(curv.max())))
            steps = int(rng.choice([2, 5, 13, 29, 47]))
            style = styles[i % len(styles)]
            if style == "defaults":
                lr, beta, steps = 0.1, 0.9, 30
                curv = np.minimum(curv, 2.5)
            params = dict(grad_fn=GradSpec.quadratic(curv), theta0=_vec(rng, d), lr=lr,
                          steps=steps, momentum=momentum, beta=beta)  # fmt: skip
            what = f"lr = {lr}" + (f", beta = {beta}" if momentum else "")
            label = f"d = {d}, {what}, {steps} steps on a quadratic, {style} arguments"
            cases.append(Case(f"{ex}/{group}/{i}", ex, group, params, label, style))
    return cases


def _nesterov_cases(rng: np.random.Generator) -> list[Case]:
    ex = "nesterov_step"
    cases = [
        Case(f"{ex}/lesson/0", ex, "lesson",
             dict(theta=LESSON_START.copy(), velocity=np.array([-0.8, -0.2]), grad_fn=RAVINE,
                  lr=0.1, beta=0.9),
             "on the ravine from theta = (2, 2) with velocity = (-0.8, -0.2)", visible=True),
    ]  # fmt: skip
    styles = ["positional", "keywords", "positional", "defaults"]
    for i, d in enumerate(_dims(rng, 10)):
        lr, beta = _lr_beta(rng)
        style = styles[i % len(styles)]
        if style == "defaults":
            lr, beta = 0.1, 0.9
        params = dict(
            theta=_vec(rng, d),
            velocity=_vec(rng, d, 1.0),
            grad_fn=GradSpec.quadratic(_curvatures(rng, d)),
            lr=lr,
            beta=beta,
        )
        label = f"d = {d}, lr = {lr}, beta = {beta}, a quadratic, {style} arguments"
        cases.append(Case(f"{ex}/random/{i}", ex, "random", params, label, style))
    return cases


def _steps_cases(rng: np.random.Generator) -> list[Case]:
    ex = "steps_to_converge"
    cases = [
        Case(f"{ex}/lesson/{i}", ex, "lesson",
             dict(grad_fn=RAVINE, theta0=LESSON_START.copy(), lr=0.1, beta=beta, tol=1e-6,
                  max_steps=1000),
             f"the ravine from (2, 2), lr = 0.1, beta = {beta}, tol = 1e-6", visible=True)
        for i, beta in enumerate((0.5, 0.9))
    ]  # fmt: skip
    styles = ["positional", "keywords", "defaults"]
    i = 0
    while i < 8:
        d = int(rng.integers(1, 11))
        curv = _curvatures(rng, d) + 0.3
        lr, beta = _lr_beta(rng, max_lr=min(0.3, 1.4 / float(curv.max())))
        tol = float(rng.choice([1e-3, 1e-6, 1e-8]))
        style = styles[i % len(styles)]
        if style == "defaults":
            lr, beta, tol, curv = 0.1, 0.9, 1e-6, np.minimum(curv, 2.5)
        params = dict(grad_fn=GradSpec.quadratic(curv), theta0=_vec(rng, d), lr=lr, beta=beta,
                      tol=tol, max_steps=1000)  # fmt: skip
        if not _clear_margin(params):
            continue  # a gradient norm within rounding of tol would make k ambiguous
        label = f"d = {d}, lr = {lr}, beta = {beta}, tol = {tol:g}, {style} arguments"
        cases.append(Case(f"{ex}/random/{i}", ex, "random", params, label, style))
        i += 1
    d = 4
    curv = _curvatures(rng, d) + 0.3
    cases.append(
        Case(f"{ex}/edge/0", ex, "edge",
             dict(grad_fn=GradSpec.quadratic(curv), theta0=_vec(rng, d), lr=0.05, beta=0.99,
                  tol=1e-8, max_steps=40),
             "beta = 0.99 with max_steps = 40: no k <= max_steps converges, expect None")
    )  # fmt: skip
    cases.append(
        Case(f"{ex}/edge/1", ex, "edge",
             dict(grad_fn=GradSpec.quadratic(curv), theta0=_vec(rng, d, 0.1), lr=0.05,
                  beta=0.7, tol=100.0, max_steps=50),
             "a start that already meets tol = 100: expect 0")
    )  # fmt: skip
    return cases


def _clear_margin(params: dict[str, Any]) -> bool:
    from grader.surfaces import quadratic

    grad = quadratic(np.asarray(params["grad_fn"].spec["curvatures"]))[1]
    theta = np.array(params["theta0"], dtype=float)
    velocity = np.zeros_like(theta)
    for _ in range(params["max_steps"] + 1):
        g = grad(theta)
        norm = float(np.linalg.norm(g))
        if abs(norm - params["tol"]) <= 1e-6 * params["tol"]:
            return False
        if norm <= params["tol"]:
            return True
        velocity = params["beta"] * velocity - params["lr"] * g
        theta = theta + velocity
    return True


BUILDERS = {
    "momentum_step": _momentum_step_cases,
    "optimize": _optimize_cases,
    "nesterov_step": _nesterov_cases,
    "steps_to_converge": _steps_cases,
}
