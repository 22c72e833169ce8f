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
    again,
    curvatures,
    lr_beta,
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
    cases.insert(1, again(cases[0], 0, "at once"))
    never, start, exact, zero, beyond = _edges(rng)
    # The run that never converges comes early, and right after it the run that converges at
    # max_steps exactly is asked again (same dimension): a velocity kept between calls (a
    # global) is far from zero after it, and the sensitive run shows that.
    cases += [exact, never, again(exact, 1, "after a run that never converges")]  # 3, 4, 5
    styles = ["positional", "keywords", "defaults"]
    i = 0
    while i < 8:
        d = int(rng.integers(1, 11))
        curv = curvatures(rng, d) + 0.3
        style = styles[i % len(styles)]
        # Slices of the beta range for the 6 cases that do not use the defaults.
        lr, beta = lr_beta(rng, max_lr=min(0.3, 1.4 / float(curv.max())),
                           part=(i - (i + 1) // 3, 6))  # fmt: skip
        tol = float(rng.choice([1e-3, 1e-6, 1e-8]))
        if style == "defaults":
            lr, beta, tol, curv = 0.1, 0.9, 1e-6, np.minimum(curv, 2.5)
        params = dict(grad_fn=GradSpec.quadratic(curv), theta0=vec(rng, d), lr=lr, beta=beta,
                      tol=tol, max_steps=1000)  # fmt: skip
        if not _clear_margin(params):
            continue  # a gradient norm within rounding of tol would make k ambiguous
        label = f"d = {d}, lr = {lr}, beta = {beta}, tol = {tol:g}, {style} arguments"
        cases.append(Case(f"{ex}/random/{i}", ex, "random", params, label, style))
        i += 1
    cases += [start, zero, beyond]
    cases.append(
        Case(f"{ex}/forms/0", ex, "forms",
             dict(grad_fn=GradSpec.quadratic(np.array([1.0, 2.0])), theta0=[3, -2], lr=0.2,
                  beta=0.5, tol=1e-6, max_steps=1000),
             "theta0 = [3, -2] as a list of ints (grad_fn takes a 1-D float array)")
    )  # fmt: skip
    cases.append(again(cases[6], 2, "after every other call"))  # random/0
    return cases


def _edges(rng: np.random.Generator) -> tuple[Case, Case, Case, Case, Case]:
    """A run that never converges, a start that has converged, a run that converges at
    max_steps exactly, tol = 0 at the minimum (‖∇f‖ = 0 ≤ 0: a `<` never stops), and the same
    run with max_steps one short (a loop that tests once more than allowed returns a count)."""
    ex = "steps_to_converge"
    curv = curvatures(rng, 2) + 0.3
    never = Case(f"{ex}/edge/0", ex, "edge",
                 dict(grad_fn=GradSpec.quadratic(curv), theta0=vec(rng, 2) + 3.0, lr=0.05,
                      beta=0.99, tol=1e-8, max_steps=40),
                 "beta = 0.99 with max_steps = 40: no k <= max_steps converges, expect None",
                 visible=True)  # fmt: skip
    leftover = _run({**never.params, "max_steps": 40})[1]
    while True:
        params = dict(grad_fn=GradSpec.quadratic(curv), theta0=vec(rng, 2), lr=0.1, beta=0.9,
                      tol=1e-4, max_steps=1000)  # fmt: skip
        k = _run(params)[0]
        # Started with the velocity the never-converging run leaves behind, it must not
        # converge at k too: then a velocity kept between calls shows on this case.
        if k is not None and _clear_margin(params) and _run(params, leftover)[0] != k:
            break
    exact = Case(f"{ex}/edge/2", ex, "edge", {**params, "max_steps": k},
                 f"converging at step {k} with max_steps = {k}: the last step allowed counts",
                 visible=True)  # fmt: skip
    d = 4
    curv = curvatures(rng, d) + 0.3
    start = Case(f"{ex}/edge/1", ex, "edge",
                 dict(grad_fn=GradSpec.quadratic(curv), theta0=vec(rng, d, 0.1), lr=0.05,
                      beta=0.7, tol=100.0, max_steps=50),
                 "a start that already meets tol = 100: expect 0", visible=True)  # fmt: skip
    zero = Case(f"{ex}/edge/3", ex, "edge",
                dict(grad_fn=GradSpec.quadratic(curv), theta0=np.zeros(d), lr=0.1, beta=0.9,
                     tol=0.0, max_steps=20),
                "theta0 at the minimum (all zeros) with tol = 0: ‖∇f(θ0)‖ = 0 ≤ tol, expect 0",
                visible=True)  # fmt: skip
    beyond = Case(f"{ex}/edge/4", ex, "edge", {**params, "max_steps": k - 1},
                  f"converging only at step {k} with max_steps = {k - 1}: expect None",
                  visible=True)  # fmt: skip
    return never, start, exact, zero, beyond


def _run(params: dict[str, Any], velocity: np.ndarray | None = None) -> tuple[int | None, Any]:
    """(steps to converge, the velocity at the end) from this starting velocity."""
    from grader.sandbox.surfaces import quadratic

    grad = quadratic(np.asarray(params["grad_fn"].spec["curvatures"]))[1]
    theta = np.array(params["theta0"], dtype=float)
    v = np.zeros_like(theta) if velocity is None else velocity.copy()
    for k in range(params["max_steps"] + 1):
        g = grad(theta)
        if np.linalg.norm(g) <= params["tol"]:
            return k, v
        v = params["beta"] * v - params["lr"] * g
        theta = theta + v
    return None, v


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
    Mistake("theta_norm", "it stops when ‖θ‖ ≤ tol; the test is on the gradient: "
            "‖∇f(θ_k)‖ ≤ tol.", lambda p: m.count_steps(p, on_theta=True)),
    Mistake("max_steps", "when nothing converges it returns max_steps; return None instead.",
            lambda p: m.count_steps(p, none_as=p["max_steps"])),
    Mistake("max_steps_plus", "when nothing converges it returns a number; return None instead.",
            lambda p: m.count_steps(p, none_as=p["max_steps"] + 1)),
    Mistake("strict", "it stops only when ‖∇f‖ < tol; the rule is ‖∇f(θ_k)‖ ≤ tol (with "
            "tol = 0 at the minimum the norm is exactly 0, which counts).",
            lambda p: m.count_steps(p, strict=True)),
    Mistake("from_one", "the count starts at 1: k is the number of steps taken, so a start "
            "that has already converged is 0 (loop over range(max_steps + 1)).",
            lambda p: m.count_steps(p, first=1)),
    Mistake("squared", "it compares the squared norm ‖∇f‖² (np.sum(g ** 2), g @ g) with tol; "
            "the rule is ‖∇f(θ_k)‖ ≤ tol: take the square root (np.linalg.norm(g)).",
            lambda p: m.count_steps(p, squared=True)),
    Mistake("nesterov", "the steps take the gradient at the look-ahead point θ + βv "
            "(Nesterov); count classical momentum steps: v ← βv − α∇f(θ), θ ← θ + v.",
            lambda p: m.count_steps(p, nesterov=True)),
)  # fmt: skip
# Plain gradient descent (beta = 0), a hard-coded beta, a loop one short of max_steps: the
# engine's parameter substitutions find these for every exercise.


EXERCISE = ExerciseSpec(
    name="steps_to_converge",
    signature=SIGNATURE,
    answer=COUNT,
    cases=cases,
    correct=m.count_steps,
    mistakes=MISTAKES,
)
