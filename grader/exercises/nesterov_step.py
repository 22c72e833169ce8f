"""One step of Nesterov's accelerated gradient, with the gradient at the look-ahead point."""

from __future__ import annotations

import numpy as np

from grader.exercises import _momentum as m
from grader.exercises.base import (
    PAIR,
    REQUIRED,
    Case,
    ExerciseSpec,
    Mistake,
    curvatures,
    dims,
    lr_beta,
    not_default,
    vec,
)
from grader.sandbox.protocol import GradSpec

SIGNATURE = (("theta", REQUIRED), ("velocity", REQUIRED), ("grad_fn", REQUIRED), ("lr", 0.1),
             ("beta", 0.9))  # fmt: skip


def cases(rng: np.random.Generator) -> list[Case]:
    ex = "nesterov_step"
    cases = [
        Case(f"{ex}/lesson/0", ex, "lesson",
             dict(theta=m.LESSON_START.copy(), velocity=np.array([-0.8, -0.2]), grad_fn=m.RAVINE,
                  lr=0.1, beta=0.9),
             "on the ravine from theta = (2, 2) with velocity = (-0.8, -0.2)", visible=True),
    ]  # fmt: skip
    styles = ["positional", "keywords", "positional", "defaults"]
    for i, d in enumerate(dims(rng, 10)):
        lr, beta = lr_beta(rng)
        style = styles[i % len(styles)]
        if style == "defaults":
            lr, beta = 0.1, 0.9
        params = dict(
            theta=vec(rng, d),
            velocity=vec(rng, d, 1.0),
            grad_fn=GradSpec.quadratic(curvatures(rng, d)),
            lr=lr,
            beta=beta,
        )
        label = f"d = {d}, lr = {lr}, beta = {beta}, a quadratic, {style} arguments"
        cases.append(Case(f"{ex}/random/{i}", ex, "random", params, label, style))
    return cases


MISTAKES = (
    Mistake("classical",
            "the gradient is taken at θ (classical momentum). Nesterov looks ahead first: "
            "evaluate grad_fn at θ + βv.", lambda p: m.nesterov(p, look="classical")),
    Mistake("lookahead_minus", "the look-ahead point is θ − βv; it is θ + βv, where the "
            "velocity is about to carry you.", lambda p: m.nesterov(p, look="minus")),
    Mistake("lookahead_no_beta", "the look-ahead point is θ + v; scale the velocity by β: "
            "θ + βv.", lambda p: m.nesterov(p, look="no_beta")),
    Mistake("sign", m.SIGN, lambda p: m.nesterov(p, sign=1.0)),
    Mistake("beta_missing", m.BETA_MISSING, lambda p: m.nesterov(p, beta_mode="missing")),
    Mistake("old_velocity", m.OLD_VELOCITY, lambda p: m.nesterov(p, old_velocity=True)),
    Mistake("swapped", m.SWAPPED, lambda p: m.swap(m.nesterov(p))),
    Mistake("lr_fixed", m.LR_FIXED, lambda p: m.nesterov({**p, "lr": 0.1}), not_default("lr", 0.1)),
    Mistake("beta_fixed", m.BETA_FIXED, lambda p: m.nesterov({**p, "beta": 0.9}),
            not_default("beta", 0.9)),
)  # fmt: skip


EXERCISE = ExerciseSpec(
    name="nesterov_step",
    signature=SIGNATURE,
    answer=PAIR,
    cases=cases,
    correct=m.nesterov,
    mistakes=MISTAKES,
)
