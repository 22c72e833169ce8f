"""A whole run of gradient descent, with or without momentum: the trajectory."""

from __future__ import annotations

import numpy as np

from grader.exercises import _momentum as m
from grader.exercises.base import (
    ARRAY,
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
            lr, beta = lr_beta(rng, max_lr=min(0.3, 1.5 / float(curv.max())))
            steps = int(rng.choice([2, 5, 13, 29, 47]))
            style = styles[i % len(styles)]
            if style == "defaults":
                lr, beta, steps = 0.1, 0.9, 30
                curv = np.minimum(curv, 2.5)
            params = dict(grad_fn=GradSpec.quadratic(curv), theta0=vec(rng, d), lr=lr,
                          steps=steps, momentum=momentum, beta=beta)  # fmt: skip
            what = f"lr = {lr}" + (f", beta = {beta}" if momentum else "")
            label = f"d = {d}, {what}, {steps} steps on a quadratic, {style} arguments"
            cases.append(Case(f"{ex}/{group}/{i}", ex, group, params, label, style))
    return cases


MISTAKES = (
    Mistake("ignores_momentum_false",
            "with momentum=False, `optimize` still used momentum. Plain gradient descent is "
            "θ ← θ − α∇f(θ): check the `momentum` flag.",
            lambda p: m.trajectory(p, momentum=True), lambda p: not p["momentum"]),
    Mistake("ignores_momentum_true",
            "with momentum=True, `optimize` ran plain gradient descent: use the velocity when "
            "the `momentum` flag is set.",
            lambda p: m.trajectory(p, momentum=False), m.uses_momentum),
    Mistake("sign", m.SIGN, lambda p: m.trajectory(p, sign=1.0)),
    Mistake("beta_missing", m.BETA_MISSING, lambda p: m.trajectory(p, beta_mode="missing"),
            m.uses_momentum),
    Mistake("beta_on_grad", m.BETA_ON_GRAD, lambda p: m.trajectory(p, beta_mode="on_grad"),
            m.uses_momentum),
    Mistake("beta_wrapped", m.BETA_WRAPPED, lambda p: m.trajectory(p, beta_mode="wrapped"),
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
    Mistake("steps_fixed", "the trajectory always has 30 steps: use the `steps` argument.",
            lambda p: m.trajectory(p, steps=30), lambda p: p["steps"] != 30),
    Mistake("extra_step", "the trajectory has one step too many: make exactly `steps` updates.",
            lambda p: m.trajectory(p, steps=p["steps"] + 1)),
    Mistake("lr_fixed", m.LR_FIXED, lambda p: m.trajectory(p, lr=0.1), not_default("lr", 0.1)),
    Mistake("beta_fixed", m.BETA_FIXED, lambda p: m.trajectory(p, beta=0.9),
            lambda p: p["momentum"] and p["beta"] != 0.9),
    Mistake("lesson_gd",
            "`optimize` returned the lesson's gradient-descent trajectory for a different "
            "problem: compute the trajectory from the arguments, do not hard-wire the example.",
            m.lesson(False), lambda p: not m.is_lesson(p)),
    Mistake("lesson_momentum",
            "`optimize` returned the lesson's momentum trajectory for a different problem: "
            "compute the trajectory from the arguments, do not hard-wire the example.",
            m.lesson(True), lambda p: not m.is_lesson(p)),
)  # fmt: skip


EXERCISE = ExerciseSpec(
    name="optimize",
    signature=SIGNATURE,
    answer=ARRAY,
    cases=cases,
    correct=m.trajectory,
    mistakes=MISTAKES,
)
