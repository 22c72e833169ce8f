"""Known mistakes, by name: each one recomputes a case the way a common wrong answer would.

When a student's answer is wrong, the checks try every mistake on the same inputs; a match names
the misconception in the feedback. These are pure functions of a case's parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.reference import materialise

PYTORCH = (
    "`{func}` returned the velocity in PyTorch's convention (buf = β·buf + ∇f, then "
    "θ ← θ − α·buf): that velocity is the expected one times −1/α. This course's velocity is the "
    "step itself: v' = βv − α∇f, θ' = θ + v'. Both conventions trace the same trajectory, but "
    "`{func}` must return v' in the course's convention."
)


@dataclass(frozen=True)
class Mistake:
    key: str
    message: str
    compute: Callable[[dict[str, Any]], Any]
    applies: Callable[[dict[str, Any]], bool] = lambda p: True


def _step(p: dict[str, Any], *, sign: float = -1.0, beta_mode: str = "ok",
          old_velocity: bool = False, theta_sign: float = 1.0, lr: float | None = None,
          beta: float | None = None) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    theta, v, g = p["theta"], p["velocity"], p["grad"]
    a = p["lr"] if lr is None else lr
    b = p["beta"] if beta is None else beta
    new_v = {
        "ok": b * v + sign * a * g,
        "missing": v + sign * a * g,
        "dropped": sign * a * g,
        "on_grad": v + sign * b * a * g,
        "wrapped": b * (v + sign * a * g),
    }[beta_mode]
    return theta + theta_sign * (v if old_velocity else new_v), new_v


def _swap(pair: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    return pair[1], pair[0]


def _pytorch_step(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    buf = p["beta"] * p["velocity"] + p["grad"]
    return p["theta"] - p["lr"] * buf, buf


def _not_default(key: str, default: float) -> Callable[[dict[str, Any]], bool]:
    return lambda p: p[key] != default


SIGN = (
    "the gradient term has the wrong sign, so `{func}` walks uphill. The velocity points "
    "against the gradient: v' = βv − α∇f(θ)."
)
BETA_MISSING = "β never multiplies the old velocity: v' = βv − α∇f(θ), not v − α∇f(θ)."
BETA_DROPPED = "the old velocity is ignored (v' = −α∇f): momentum must carry βv forward."
BETA_ON_GRAD = "β multiplies the gradient term instead of the old velocity: v' = βv − α∇f(θ)."
BETA_WRAPPED = (
    "β multiplies the whole update, β(v − α∇f); only the old velocity is scaled: v' = βv − α∇f(θ)."  # noqa: E501
)
OLD_VELOCITY = "θ moves by the old velocity. Compute v' first, then θ' = θ + v' with the *new* v'."
THETA_MINUS = (
    "θ moves against the velocity (θ − v'); the velocity already points downhill: θ' = θ + v'."  # noqa: E501
)
SWAPPED = "the pair comes back swapped, (v', θ'); return (θ', v') in that order."
LR_FIXED = (
    "the result matches lr = 0.1 whatever lr is passed: use the `lr` argument, not a constant."
)
BETA_FIXED = "the result matches beta = 0.9 whatever beta is passed: use the `beta` argument."

STEP_MISTAKES = [
    Mistake("sign", SIGN, lambda p: _step(p, sign=1.0)),
    Mistake("beta_missing", BETA_MISSING, lambda p: _step(p, beta_mode="missing")),
    Mistake("beta_dropped", BETA_DROPPED, lambda p: _step(p, beta_mode="dropped")),
    Mistake("beta_on_grad", BETA_ON_GRAD, lambda p: _step(p, beta_mode="on_grad")),
    Mistake("beta_wrapped", BETA_WRAPPED, lambda p: _step(p, beta_mode="wrapped")),
    Mistake("old_velocity", OLD_VELOCITY, lambda p: _step(p, old_velocity=True)),
    Mistake("theta_minus", THETA_MINUS, lambda p: _step(p, theta_sign=-1.0)),
    Mistake("swapped", SWAPPED, lambda p: _swap(_step(p))),
    Mistake("pytorch", PYTORCH, _pytorch_step),
    Mistake("lr_fixed", LR_FIXED, lambda p: _step(p, lr=0.1), _not_default("lr", 0.1)),
    Mistake("beta_fixed", BETA_FIXED, lambda p: _step(p, beta=0.9), _not_default("beta", 0.9)),
]


def _nesterov(p: dict[str, Any], *, look: str = "ok", sign: float = -1.0, beta_mode: str = "ok",
              old_velocity: bool = False) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    theta, v, b = p["theta"], p["velocity"], p["beta"]
    point = {"ok": theta + b * v, "classical": theta, "minus": theta - b * v, "no_beta": theta + v}
    g = np.asarray(p["grad_fn"](point[look]), dtype=float)
    return _step({**p, "grad": g}, sign=sign, beta_mode=beta_mode, old_velocity=old_velocity)


NESTEROV_MISTAKES = [
    Mistake("classical",
            "the gradient is taken at θ (classical momentum). Nesterov looks ahead first: "
            "evaluate grad_fn at θ + βv.", lambda p: _nesterov(p, look="classical")),
    Mistake("lookahead_minus", "the look-ahead point is θ − βv; it is θ + βv, where the "
            "velocity is about to carry you.", lambda p: _nesterov(p, look="minus")),
    Mistake("lookahead_no_beta", "the look-ahead point is θ + v; scale the velocity by β: "
            "θ + βv.", lambda p: _nesterov(p, look="no_beta")),
    Mistake("sign", SIGN, lambda p: _nesterov(p, sign=1.0)),
    Mistake("beta_missing", BETA_MISSING, lambda p: _nesterov(p, beta_mode="missing")),
    Mistake("old_velocity", OLD_VELOCITY, lambda p: _nesterov(p, old_velocity=True)),
    Mistake("swapped", SWAPPED, lambda p: _swap(_nesterov(p))),
    Mistake("lr_fixed", LR_FIXED, lambda p: _nesterov({**p, "lr": 0.1}), _not_default("lr", 0.1)),
    Mistake("beta_fixed", BETA_FIXED, lambda p: _nesterov({**p, "beta": 0.9}),
            _not_default("beta", 0.9)),
]  # fmt: skip


def trajectory(p: dict[str, Any], *, sign: float = -1.0, beta_mode: str = "ok",
               old_velocity: bool = False, nesterov: bool = False, v0: str = "zero",
               momentum: bool | None = None, steps: int | None = None, lr: float | None = None,
               beta: float | None = None) -> np.ndarray:  # fmt: skip
    """optimize(...) computed with the given deviations from the correct method."""
    grad = p["grad_fn"]
    a = p["lr"] if lr is None else lr
    b = p["beta"] if beta is None else beta
    use_momentum = p["momentum"] if momentum is None else momentum
    theta = np.array(p["theta0"], dtype=float)
    v = {"zero": np.zeros_like(theta), "theta0": theta.copy(), "step": -a * grad(theta)}[v0]
    rows = [theta]
    for _ in range(p["steps"] if steps is None else steps):
        if use_momentum:
            g = np.asarray(grad(theta + b * v if nesterov else theta), dtype=float)
            theta, v = _step({"theta": theta, "velocity": v, "grad": g, "lr": a, "beta": b},
                             sign=sign, beta_mode=beta_mode, old_velocity=old_velocity)  # fmt: skip
        else:
            theta = theta + sign * a * np.asarray(grad(theta), dtype=float)
        rows.append(theta)
    return np.stack(rows)


def _lesson(momentum: bool) -> Callable[[dict[str, Any]], np.ndarray]:
    from grader.cases import LESSON_START
    from grader.surfaces import SURFACES

    def compute(p: dict[str, Any]) -> np.ndarray:
        lesson = {"grad_fn": SURFACES["ravine"].grad, "theta0": LESSON_START, "lr": 0.1,
                  "steps": 30, "momentum": momentum, "beta": 0.9}  # fmt: skip
        return trajectory(lesson)

    return compute


def _uses_momentum(p: dict[str, Any]) -> bool:
    return bool(p["momentum"])


def _is_lesson(p: dict[str, Any]) -> bool:
    return p["steps"] == 30 and np.shape(p["theta0"]) == (2,) and p["lr"] == 0.1


OPTIMIZE_MISTAKES = [
    Mistake("ignores_momentum_false",
            "with momentum=False, `optimize` still used momentum. Plain gradient descent is "
            "θ ← θ − α∇f(θ): check the `momentum` flag.",
            lambda p: trajectory(p, momentum=True), lambda p: not p["momentum"]),
    Mistake("ignores_momentum_true",
            "with momentum=True, `optimize` ran plain gradient descent: use the velocity when "
            "the `momentum` flag is set.",
            lambda p: trajectory(p, momentum=False), _uses_momentum),
    Mistake("sign", SIGN, lambda p: trajectory(p, sign=1.0)),
    Mistake("beta_missing", BETA_MISSING, lambda p: trajectory(p, beta_mode="missing"),
            _uses_momentum),
    Mistake("beta_on_grad", BETA_ON_GRAD, lambda p: trajectory(p, beta_mode="on_grad"),
            _uses_momentum),
    Mistake("beta_wrapped", BETA_WRAPPED, lambda p: trajectory(p, beta_mode="wrapped"),
            _uses_momentum),
    Mistake("old_velocity", OLD_VELOCITY, lambda p: trajectory(p, old_velocity=True),
            _uses_momentum),
    Mistake("nesterov",
            "the gradient is taken at the look-ahead point θ + βv (Nesterov). `optimize` asks "
            "for classical momentum: the gradient at θ itself.",
            lambda p: trajectory(p, nesterov=True), _uses_momentum),
    Mistake("velocity_theta0",
            "the velocity does not start at zero (it starts at θ0): use np.zeros_like(theta).",
            lambda p: trajectory(p, v0="theta0"), _uses_momentum),
    Mistake("velocity_step",
            "the velocity does not start at zero (it starts at −α∇f(θ0), so the first step "
            "counts twice): use np.zeros_like(theta).",
            lambda p: trajectory(p, v0="step"), _uses_momentum),
    Mistake("steps_fixed", "the trajectory always has 30 steps: use the `steps` argument.",
            lambda p: trajectory(p, steps=30), lambda p: p["steps"] != 30),
    Mistake("extra_step", "the trajectory has one step too many: make exactly `steps` updates.",
            lambda p: trajectory(p, steps=p["steps"] + 1)),
    Mistake("lr_fixed", LR_FIXED, lambda p: trajectory(p, lr=0.1), _not_default("lr", 0.1)),
    Mistake("beta_fixed", BETA_FIXED, lambda p: trajectory(p, beta=0.9),
            lambda p: p["momentum"] and p["beta"] != 0.9),
    Mistake("lesson_gd",
            "`optimize` returned the lesson's gradient-descent trajectory for a different "
            "problem: compute the trajectory from the arguments, do not hard-wire the example.",
            _lesson(False), lambda p: not _is_lesson(p)),
    Mistake("lesson_momentum",
            "`optimize` returned the lesson's momentum trajectory for a different problem: "
            "compute the trajectory from the arguments, do not hard-wire the example.",
            _lesson(True), lambda p: not _is_lesson(p)),
]  # fmt: skip


def count_steps(p: dict[str, Any], *, beta: float | None = None, on_theta: bool = False,
                after: bool = False, none_as: int | None = None) -> int | None:  # fmt: skip
    """steps_to_converge(...) with the given deviations."""
    grad, b = p["grad_fn"], p["beta"] if beta is None else beta
    theta = np.array(p["theta0"], dtype=float)
    v = np.zeros_like(theta)
    for k in range(p["max_steps"] + 1):
        g = np.asarray(grad(theta), dtype=float)
        if not after and np.linalg.norm(theta if on_theta else g) <= p["tol"]:
            return k
        v = b * v - p["lr"] * g
        theta = theta + v
        if after and np.linalg.norm(grad(theta)) <= p["tol"]:
            return k + 1
    return none_as


STEPS_MISTAKES = [
    Mistake("after", "the gradient is tested only after a step, so a start that has already "
            "converged is not 0. Test ‖∇f(θ_k)‖ ≤ tol before each step.",
            lambda p: count_steps(p, after=True)),
    Mistake("gd", "the count matches plain gradient descent: the steps must use momentum with "
            "the given beta.", lambda p: count_steps(p, beta=0.0), lambda p: p["beta"] != 0),
    Mistake("theta_norm", "it stops when ‖θ‖ ≤ tol; the test is on the gradient: "
            "‖∇f(θ_k)‖ ≤ tol.", lambda p: count_steps(p, on_theta=True)),
    Mistake("max_steps", "when nothing converges it returns max_steps; return None instead.",
            lambda p: count_steps(p, none_as=p["max_steps"])),
    Mistake("max_steps_plus", "when nothing converges it returns a number; return None instead.",
            lambda p: count_steps(p, none_as=p["max_steps"] + 1)),
    Mistake("beta_fixed", BETA_FIXED, lambda p: count_steps(p, beta=0.9),
            _not_default("beta", 0.9)),
]  # fmt: skip

MISTAKES: dict[str, list[Mistake]] = {
    "momentum_step": STEP_MISTAKES,
    "nesterov_step": NESTEROV_MISTAKES,
    "optimize": OPTIMIZE_MISTAKES,
    "steps_to_converge": STEPS_MISTAKES,
}


# The right answer, computed the same way as the mistakes: a mistake that gives it on some
# inputs says nothing about those inputs.
CORRECT: dict[str, Callable[[dict[str, Any]], Any]] = {
    "momentum_step": _step,
    "nesterov_step": _nesterov,
    "optimize": trajectory,
    "steps_to_converge": count_steps,
}


def same(exercise: str, got: Any, expected: Any) -> bool:
    """Equal within float64 rounding (rtol 1e-9): loose enough for any order of operations,
    tight enough that no wrong formula passes."""
    if exercise in ("momentum_step", "nesterov_step"):
        return all(close(g, e) for g, e in zip(got, expected, strict=True))
    if exercise == "optimize":
        return close(got, expected)
    return got == expected


def close(got: np.ndarray, expected: np.ndarray) -> bool:
    got, expected = np.asarray(got), np.asarray(expected)
    return got.shape == expected.shape and bool(
        np.allclose(got, expected, rtol=1e-9, atol=1e-12, equal_nan=False)
    )


def identify(exercise: str, params: dict[str, Any], got: Any, func: str) -> str | None:
    """The message of the first known mistake that reproduces `got` on these inputs."""
    live = materialise(params)
    right = CORRECT[exercise](materialise(params))
    for mistake in MISTAKES[exercise]:
        if not mistake.applies(live):
            continue
        with np.errstate(all="ignore"):
            try:
                wrong = mistake.compute(materialise(params))
            except (ArithmeticError, ValueError):
                continue
        if _matches(exercise, got, wrong) and not _matches(exercise, right, wrong):
            return mistake.message.format(func=func)
    return None


def _matches(exercise: str, got: Any, wrong: Any) -> bool:
    try:
        return same(exercise, got, wrong)
    except (TypeError, ValueError):
        return False
