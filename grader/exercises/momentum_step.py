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
    again,
    dims,
    lr_beta,
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
    # The docstring promises numpy arrays of shape (d,), not their dtype: integers must work.
    cases.append(
        Case(f"{ex}/forms/0", ex, "forms",
             dict(theta=np.array([2, -1, 3]), velocity=np.array([0.5, 0.0, -0.25]),
                  grad=np.array([4, -2, 1]), lr=0.25, beta=0.5),
             "theta = [2, -1, 3] and grad = [4, -2, 1] as integer arrays (the result must be "
             "float)")
    )  # fmt: skip
    cases.append(
        Case(f"{ex}/forms/1", ex, "forms",
             dict(theta=np.array([1, 2]), velocity=np.array([0, 1]), grad=np.array([3.0, -0.5]),
                  lr=0.1, beta=0.9),
             "theta = [1, 2] and velocity = [0, 1] as integer arrays")
    )  # fmt: skip
    styles = ["positional", "keywords"]
    for i, d in enumerate(dims(rng, 12)):
        lr, beta = lr_beta(rng, part=(i, 12))
        velocity = np.zeros(d) if i == 2 else vec(rng, d, 1.0)
        params = dict(theta=vec(rng, d), velocity=velocity, grad=vec(rng, d, 3.0), lr=lr,
                      beta=beta)  # fmt: skip
        style = styles[i % 2]
        start = "zero" if i == 2 else "nonzero"
        label = f"d = {d}, lr = {lr}, beta = {beta}, {start} velocity, {style} arguments"
        cases.append(Case(f"{ex}/random/{i}", ex, "random", params, label, style))
        if i == 0:
            cases.append(again(cases[-1], 0, "at once"))
    for i, d in enumerate((3, 17)):
        params = dict(theta=vec(rng, d), velocity=vec(rng, d, 1.0), grad=vec(rng, d, 3.0),
                      lr=0.1, beta=0.9)  # fmt: skip
        label = f"d = {d}, called without lr and beta (defaults 0.1 and 0.9)"
        cases.append(Case(f"{ex}/defaults/{i}", ex, "defaults", params, label, "defaults"))
    # The lesson's arrays again with other lr and beta: an answer remembered by its arrays
    # alone (a cache keyed on theta, velocity and grad) shows here.
    cases.append(
        Case(f"{ex}/random/12", ex, "random",
             dict(theta=m.LESSON_START.copy(), velocity=np.zeros(2), grad=np.array([8.0, 2.0]),
                  lr=0.05, beta=0.7),
             "the lesson's first step's arrays with lr = 0.05, beta = 0.7")
    )  # fmt: skip
    cases.append(again(cases[1], 1, "after every other call"))
    return cases


MISTAKES = (
    Mistake("sign", m.SIGN, lambda p: m.step(p, sign=1.0)),
    Mistake("beta_missing", m.BETA_MISSING, lambda p: m.step(p, beta_mode="missing")),
    Mistake("beta_on_grad", m.BETA_ON_GRAD, lambda p: m.step(p, beta_mode="on_grad")),
    Mistake("old_velocity", m.OLD_VELOCITY, lambda p: m.step(p, old_velocity=True)),
    Mistake("theta_minus", m.THETA_MINUS, lambda p: m.step(p, theta_sign=-1.0)),
    Mistake("swapped", m.SWAPPED, lambda p: m.swap(m.step(p))),
    Mistake("pytorch", m.PYTORCH, m.pytorch_step),
    Mistake("convention", m.CONVENTION, m.convention_step),
    Mistake("lr_on_theta", m.LR_ON_THETA, m.lr_on_theta_step),
    Mistake("ema", m.EMA, m.ema_step),
)
# Hard-coded lr or beta, β dropped (β = 0), lr and β swapped, β(v − α∇f) (lr replaced by lr·β):
# the engine's parameter substitutions find these for every exercise, so they are not listed.


EXERCISE = ExerciseSpec(
    name="momentum_step",
    signature=SIGNATURE,
    answer=PAIR,
    cases=cases,
    correct=m.step,
    mistakes=MISTAKES,
    findings=(m.negated_velocity,),
)
