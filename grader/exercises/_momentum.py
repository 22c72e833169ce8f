"""The arithmetic of momentum and its common mistakes, shared by the momentum exercises.

Pure functions of a case's parameters (already materialised: gradients are callables).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader.sandbox.protocol import GradSpec
from grader.sandbox.surfaces import SURFACES

LESSON_START = np.array([2.0, 2.0])
RAVINE = GradSpec.surface("ravine")

PYTORCH = (
    "`{func}` returned the velocity in PyTorch's convention (buf = β·buf + ∇f, then "
    "θ ← θ − α·buf): that velocity is the expected one times −1/α. This course's velocity is the "
    "step itself: v' = βv − α∇f, θ' = θ + v'. Both conventions trace the same trajectory, but "
    "`{func}` must return v' in the course's convention."
)


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


def step(p: dict[str, Any], *, sign: float = -1.0, beta_mode: str = "ok",
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


def swap(pair: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    return pair[1], pair[0]


def pytorch_step(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    buf = p["beta"] * p["velocity"] + p["grad"]
    return p["theta"] - p["lr"] * buf, buf


def nesterov(p: dict[str, Any], *, look: str = "ok", sign: float = -1.0, beta_mode: str = "ok",
              old_velocity: bool = False) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    theta, v, b = p["theta"], p["velocity"], p["beta"]
    point = {"ok": theta + b * v, "classical": theta, "minus": theta - b * v, "no_beta": theta + v}
    g = np.asarray(p["grad_fn"](point[look]), dtype=float)
    return step({**p, "grad": g}, sign=sign, beta_mode=beta_mode, old_velocity=old_velocity)


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
            theta, v = step({"theta": theta, "velocity": v, "grad": g, "lr": a, "beta": b},
                             sign=sign, beta_mode=beta_mode, old_velocity=old_velocity)  # fmt: skip
        else:
            theta = theta + sign * a * np.asarray(grad(theta), dtype=float)
        rows.append(theta)
    return np.stack(rows)


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


def lesson(momentum: bool) -> Callable[[dict[str, Any]], np.ndarray]:
    def compute(p: dict[str, Any]) -> np.ndarray:
        lesson = {"grad_fn": SURFACES["ravine"].grad, "theta0": LESSON_START, "lr": 0.1,
                  "steps": 30, "momentum": momentum, "beta": 0.9}  # fmt: skip
        return trajectory(lesson)

    return compute


def uses_momentum(p: dict[str, Any]) -> bool:
    return bool(p["momentum"])


def is_lesson(p: dict[str, Any]) -> bool:
    return p["steps"] == 30 and np.shape(p["theta0"]) == (2,) and p["lr"] == 0.1
