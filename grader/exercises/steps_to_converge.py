"""How many momentum steps until the gradient norm is at most tol (None if never)."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.exercises import _momentum as m
from grader.exercises.base import (
    COUNT,
    REQUIRED,
    Case,
    ExerciseSpec,
    Mistake,
    curvatures,
    lr_beta,
    not_default,
    vec,
)
from grader.sandbox.protocol import GradSpec

SIGNATURE = (("grad_fn", REQUIRED), ("theta0", REQUIRED), ("lr", 0.1), ("beta", 0.9),
             ("tol", 1e-6), ("max_steps", 1000))  # fmt: skip


def cases(rng: np.random.Generator) -> list[Case]:
    ex = "steps_to_converge"
    cases = [
        Case(f"{ex}/lesson/{i}", ex, "lesson",
             dict(grad_fn=m.RAVINE, theta0=m.LESSON_START.copy(), lr=0.1, beta=beta, tol=1e-6,
                  max_steps=1000),
             f"the ravine from (2, 2), lr = 0.1, beta = {beta}, tol = 1e-6", visible=True)
        for i, beta in enumerate((0.5, 0.9))
    ]  # fmt: skip
    styles = ["positional", "keywords", "defaults"]
    i = 0
    while i < 8:
        d = int(rng.integers(1, 11))
        curv = curvatures(rng, d) + 0.3
        lr, beta = lr_beta(rng, max_lr=min(0.3, 1.4 / float(curv.max())))
        tol = float(rng.choice([1e-3, 1e-6, 1e-8]))
        style = styles[i % len(styles)]
        if style == "defaults":
            lr, beta, tol, curv = 0.1, 0.9, 1e-6, np.minimum(curv, 2.5)
        params = dict(grad_fn=GradSpec.quadratic(curv), theta0=vec(rng, d), lr=lr, beta=beta,
                      tol=tol, max_steps=1000)  # fmt: skip
        if not _clear_margin(params):
            continue  # a gradient norm within rounding of tol would make k ambiguous
        label = f"d = {d}, lr = {lr}, beta = {beta}, tol = {tol:g}, {style} arguments"
        cases.append(Case(f"{ex}/random/{i}", ex, "random", params, label, style))
        i += 1
    d = 4
    curv = curvatures(rng, d) + 0.3
    cases.append(
        Case(f"{ex}/edge/0", ex, "edge",
             dict(grad_fn=GradSpec.quadratic(curv), theta0=vec(rng, d), lr=0.05, beta=0.99,
                  tol=1e-8, max_steps=40),
             "beta = 0.99 with max_steps = 40: no k <= max_steps converges, expect None")
    )  # fmt: skip
    cases.append(
        Case(f"{ex}/edge/1", ex, "edge",
             dict(grad_fn=GradSpec.quadratic(curv), theta0=vec(rng, d, 0.1), lr=0.05,
                  beta=0.7, tol=100.0, max_steps=50),
             "a start that already meets tol = 100: expect 0")
    )  # fmt: skip
    return cases


def _clear_margin(params: dict[str, Any]) -> bool:
    from grader.sandbox.surfaces import quadratic

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


MISTAKES = (
    Mistake("after", "the gradient is tested only after a step, so a start that has already "
            "converged is not 0. Test ‖∇f(θ_k)‖ ≤ tol before each step.",
            lambda p: m.count_steps(p, after=True)),
    Mistake("gd", "the count matches plain gradient descent: the steps must use momentum with "
            "the given beta.", lambda p: m.count_steps(p, beta=0.0), lambda p: p["beta"] != 0),
    Mistake("theta_norm", "it stops when ‖θ‖ ≤ tol; the test is on the gradient: "
            "‖∇f(θ_k)‖ ≤ tol.", lambda p: m.count_steps(p, on_theta=True)),
    Mistake("max_steps", "when nothing converges it returns max_steps; return None instead.",
            lambda p: m.count_steps(p, none_as=p["max_steps"])),
    Mistake("max_steps_plus", "when nothing converges it returns a number; return None instead.",
            lambda p: m.count_steps(p, none_as=p["max_steps"] + 1)),
    Mistake("beta_fixed", m.BETA_FIXED, lambda p: m.count_steps(p, beta=0.9),
            not_default("beta", 0.9)),
)  # fmt: skip


EXERCISE = ExerciseSpec(
    name="steps_to_converge",
    signature=SIGNATURE,
    answer=COUNT,
    cases=cases,
    correct=m.count_steps,
    mistakes=MISTAKES,
)
