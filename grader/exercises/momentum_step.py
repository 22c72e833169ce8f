"""One step of classical momentum: (theta, velocity, grad) -> (theta', velocity')."""

from __future__ import annotations

import numpy as np

from grader.exercises import _momentum as m
from grader.exercises.base import (
    PAIR,
    REQUIRED,
    Case,
    ExerciseSpec,
    Mistake,
    dims,
    lr_beta,
    not_default,
    vec,
)

SIGNATURE = (("theta", REQUIRED), ("velocity", REQUIRED), ("grad", REQUIRED), ("lr", 0.1),
             ("beta", 0.9))  # fmt: skip


def cases(rng: np.random.Generator) -> list[Case]:
    ex = "momentum_step"
    cases = [
        Case(f"{ex}/lesson/0", ex, "lesson",
             dict(theta=m.LESSON_START.copy(), velocity=np.zeros(2), grad=np.array([8.0, 2.0]),
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
    for i, d in enumerate(dims(rng, 12)):
        lr, beta = lr_beta(rng)
        velocity = np.zeros(d) if i == 2 else vec(rng, d, 1.0)
        params = dict(theta=vec(rng, d), velocity=velocity, grad=vec(rng, d, 3.0), lr=lr,
                      beta=beta)  # fmt: skip
        style = styles[i % 2]
        start = "zero" if i == 2 else "nonzero"
        label = f"d = {d}, lr = {lr}, beta = {beta}, {start} velocity, {style} arguments"
        cases.append(Case(f"{ex}/random/{i}", ex, "random", params, label, style))
    for i, d in enumerate((3, 17)):
        params = dict(theta=vec(rng, d), velocity=vec(rng, d, 1.0), grad=vec(rng, d, 3.0),
                      lr=0.1, beta=0.9)  # fmt: skip
        label = f"d = {d}, called without lr and beta (defaults 0.1 and 0.9)"
        cases.append(Case(f"{ex}/defaults/{i}", ex, "defaults", params, label, "defaults"))
    return cases


MISTAKES = (
    Mistake("sign", m.SIGN, lambda p: m.step(p, sign=1.0)),
    Mistake("beta_missing", m.BETA_MISSING, lambda p: m.step(p, beta_mode="missing")),
    Mistake("beta_dropped", m.BETA_DROPPED, lambda p: m.step(p, beta_mode="dropped")),
    Mistake("beta_on_grad", m.BETA_ON_GRAD, lambda p: m.step(p, beta_mode="on_grad")),
    Mistake("beta_wrapped", m.BETA_WRAPPED, lambda p: m.step(p, beta_mode="wrapped")),
    Mistake("old_velocity", m.OLD_VELOCITY, lambda p: m.step(p, old_velocity=True)),
    Mistake("theta_minus", m.THETA_MINUS, lambda p: m.step(p, theta_sign=-1.0)),
    Mistake("swapped", m.SWAPPED, lambda p: m.swap(m.step(p))),
    Mistake("pytorch", m.PYTORCH, m.pytorch_step),
    Mistake("lr_fixed", m.LR_FIXED, lambda p: m.step(p, lr=0.1), not_default("lr", 0.1)),
    Mistake("beta_fixed", m.BETA_FIXED, lambda p: m.step(p, beta=0.9), not_default("beta", 0.9)),
)


EXERCISE = ExerciseSpec(
    name="momentum_step",
    signature=SIGNATURE,
    answer=PAIR,
    cases=cases,
    correct=m.step,
    mistakes=MISTAKES,
)
