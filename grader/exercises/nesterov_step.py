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
    again,
    curvatures,
    dims,
    lr_beta,
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
        style = styles[i % len(styles)]
        # Slices of the beta range for the 8 cases that do not use the defaults.
        lr, beta = lr_beta(rng, part=(i - i // 4, 8))
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
        if i == 0:
            cases.append(again(cases[-1], 0, "at once"))
    cases.append(
        Case(f"{ex}/forms/0", ex, "forms",
             dict(theta=np.array([2, -1, 1]), velocity=np.array([1, 0, -1]),
                  grad_fn=GradSpec.quadratic(np.array([1.5, 0.5, 2.0])), lr=0.2, beta=0.75),
             "theta = [2, -1, 1] and velocity = [1, 0, -1] as integer arrays (grad_fn takes "
             "a 1-D float array; the result must be float)")
    )  # fmt: skip
    # The lesson's theta and velocity again with another gradient, lr and beta: an answer
    # remembered by its arrays alone (a cache keyed on theta and velocity) shows here.
    cases.append(
        Case(f"{ex}/random/10", ex, "random",
             dict(theta=m.LESSON_START.copy(), velocity=np.array([-0.8, -0.2]),
                  grad_fn=GradSpec.quadratic(np.array([1.5, 2.5])), lr=0.05, beta=0.7),
             "theta = (2, 2) and velocity = (-0.8, -0.2) as in the lesson, another quadratic, "
             "lr = 0.05, beta = 0.7")
    )  # fmt: skip
    cases.append(again(cases[0], 1, "after every other call"))
    return cases


MISTAKES = (
    Mistake("classical",
            "the gradient is taken at θ (classical momentum). Nesterov looks ahead first: "
            "evaluate grad_fn at θ + βv.", lambda p: m.nesterov(p, look="classical")),
    Mistake("lookahead_minus", "the look-ahead point is θ − βv; it is θ + βv, where the "
            "velocity is about to carry you.", lambda p: m.nesterov(p, look="minus")),
    Mistake("lookahead_no_beta", "the look-ahead point is θ + v; scale the velocity by β: "
            "θ + βv.", lambda p: m.nesterov(p, look="no_beta")),
    Mistake("pytorch",
            "this is PyTorch's form of Nesterov: the gradient at θ, then θ' = θ + βv' − α∇f(θ). "
            "That form tracks the look-ahead point instead of θ; this exercise asks for the "
            "gradient at the look-ahead point θ + βv, then v' = βv − α∇f(θ + βv), θ' = θ + v'.",
            m.nesterov_pytorch),
    Mistake("convention", m.CONVENTION, m.nesterov_convention),
    Mistake("sign", m.SIGN, lambda p: m.nesterov(p, sign=1.0)),
    Mistake("beta_missing", m.BETA_MISSING, lambda p: m.nesterov(p, beta_mode="missing")),
    Mistake("old_velocity", m.OLD_VELOCITY, lambda p: m.nesterov(p, old_velocity=True)),
    Mistake("swapped", m.SWAPPED, lambda p: m.swap(m.nesterov(p))),
)  # fmt: skip


EXERCISE = ExerciseSpec(
    name="nesterov_step",
    signature=SIGNATURE,
    answer=PAIR,
    cases=cases,
    correct=m.nesterov,
    mistakes=MISTAKES,
    findings=(m.negated_velocity, m.lookahead),
)
