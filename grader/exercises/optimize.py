"""A whole run of gradient descent, with or without momentum: the trajectory."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from grader.exercises import _momentum as m
from grader.exercises.base import (
    ARRAY,
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

SIGNATURE = (("grad_fn", REQUIRED), ("theta0", REQUIRED), ("lr", 0.1), ("steps", 30),
             ("momentum", False), ("beta", 0.9))  # fmt: skip


def cases(rng: np.random.Generator) -> list[Case]:
    ex = "optimize"
    cases = []
    for momentum in (False, True):
        name = "momentum" if momentum else "gradient descent"
        cases.append(
            Case(f"{ex}/lesson-{'momentum' if momentum else 'gd'}/0", ex,
                 "lesson-momentum" if momentum else "lesson-gd",
                 dict(grad_fn=m.RAVINE, theta0=m.LESSON_START.copy(), lr=0.1, steps=30,
                      momentum=momentum, beta=0.9),
                 f"the lesson's experiment: {name} on the ravine ½(4x² + y²) from (2, 2), "
                 "lr = 0.1, beta = 0.9, 30 steps", visible=True)
        )  # fmt: skip
    for i, (steps, momentum) in enumerate([(0, False), (0, True), (1, False), (1, True)]):
        d = int(rng.integers(2, 8))
        lr, beta = lr_beta(rng)
        params = dict(grad_fn=GradSpec.quadratic(curvatures(rng, d)), theta0=vec(rng, d),
                      lr=lr, steps=steps, momentum=momentum, beta=beta)  # fmt: skip
        label = f"steps = {steps}, momentum = {momentum}, d = {d}"
        cases.append(Case(f"{ex}/short/{i}", ex, "short", params, label))
    styles = ["positional", "keywords", "positional", "defaults"]
    for momentum, group in ((False, "random-gd"), (True, "random-momentum")):
        for i, d in enumerate(dims(rng, 8)):
            curv = curvatures(rng, d)
            # lr·max(a) < 1.5 keeps both methods stable, so the numbers stay comparable.
            style = styles[i % len(styles)]
            # Slices of the beta range for the 6 cases that do not use the defaults.
            lr, beta = lr_beta(rng, max_lr=min(0.3, 1.5 / float(curv.max())),
                               part=(i - i // 4, 6))  # fmt: skip
            steps = int(rng.choice([2, 5, 13, 29, 47]))
            if style == "defaults":
                lr, beta, steps = 0.1, 0.9, 30
                curv = np.minimum(curv, 2.5)
            params = dict(grad_fn=GradSpec.quadratic(curv), theta0=vec(rng, d), lr=lr,
                          steps=steps, momentum=momentum, beta=beta)  # fmt: skip
            what = f"lr = {lr}" + (f", beta = {beta}" if momentum else "")
            label = f"d = {d}, {what}, {steps} steps on a quadratic, {style} arguments"
            cases.append(Case(f"{ex}/{group}/{i}", ex, group, params, label, style))
            if group == "random-momentum" and i == 0:
                cases.append(again(cases[-1], 0, "at once"))
    forms = [
        (np.array([2, 2]), m.RAVINE, True, "theta0 = [2, 2] as an integer array, momentum on "
         "the ravine"),
        ([3, -1, 2], GradSpec.quadratic(np.array([0.5, 1.25, 2.0])), False,
         "theta0 = [3, -1, 2] as a list of ints, gradient descent"),
        ([1.5, -0.5], GradSpec.quadratic(np.array([1.0, 2.5])), True,
         "theta0 = [1.5, -0.5] as a list of floats, momentum"),
    ]  # fmt: skip
    for i, (theta0, grad, momentum, what) in enumerate(forms):
        params = dict(grad_fn=grad, theta0=theta0, lr=0.15, steps=6, momentum=momentum, beta=0.6)
        label = f"{what}, lr = 0.15, beta = 0.6, 6 steps (the rows must be float)"
        cases.append(Case(f"{ex}/forms/{i}", ex, "forms", params, label))
    cases.append(again(cases[5], 1, "after every other call"))  # short/3: one momentum step
    return cases


MISTAKES = (
    Mistake("sign", m.SIGN, lambda p: m.trajectory(p, sign=1.0)),
    Mistake("beta_missing", m.BETA_MISSING, lambda p: m.trajectory(p, beta_mode="missing"),
            m.uses_momentum),
    Mistake("beta_on_grad", m.BETA_ON_GRAD, lambda p: m.trajectory(p, beta_mode="on_grad"),
            m.uses_momentum),
    Mistake("old_velocity", m.OLD_VELOCITY, lambda p: m.trajectory(p, old_velocity=True),
            m.uses_momentum),
    Mistake("nesterov",
            "the gradient is taken at the look-ahead point θ + βv (Nesterov). `optimize` asks "
            "for classical momentum: the gradient at θ itself.",
            lambda p: m.trajectory(p, nesterov=True), m.uses_momentum),
    Mistake("velocity_theta0",
            "the velocity does not start at zero (it starts at θ0): use np.zeros_like(theta).",
            lambda p: m.trajectory(p, v0="theta0"), m.uses_momentum),
    Mistake("velocity_step",
            "the velocity does not start at zero (it starts at −α∇f(θ0), so the first step "
            "counts twice): use np.zeros_like(theta).",
            lambda p: m.trajectory(p, v0="step"), m.uses_momentum),
    Mistake("velocity_ones",
            "the velocity does not start at zero (it starts at ones): use np.zeros_like(theta).",
            lambda p: m.trajectory(p, v0="ones"), m.uses_momentum),
    Mistake("velocity_grad",
            "the velocity does not start at zero (it starts at the first gradient ∇f(θ0)): use "
            "np.zeros_like(theta).", lambda p: m.trajectory(p, v0="grad"), m.uses_momentum),
    Mistake("lesson",
            "`optimize` returned the lesson's trajectory (from (2, 2) on the ravine, lr = 0.1, "
            "30 steps) for a different problem: compute the trajectory from the arguments, do "
            "not hard-wire the example.", m.lesson, lambda p: not m.is_lesson(p)),
)  # fmt: skip
# A hard-coded lr, beta or steps, an ignored `momentum` flag, β(v − α∇f) (lr replaced by lr·β),
# one step too many or too few: the engine's parameter substitutions find these for every
# exercise, so they are not listed here.


EXERCISE = ExerciseSpec(
    name="optimize",
    signature=SIGNATURE,
    answer=replace(ARRAY, names=("trajectory",)),
    cases=cases,
    correct=m.trajectory,
    mistakes=MISTAKES,
)
