"""The arithmetic of momentum and its common mistakes, shared by the momentum exercises.

Pure functions of a case's parameters (already materialised: gradients are callables).
"""

from __future__ import annotations

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
BETA_ON_GRAD = "β multiplies the gradient term instead of the old velocity: v' = βv − α∇f(θ)."
OLD_VELOCITY = "θ moves by the old velocity. Compute v' first, then θ' = θ + v' with the *new* v'."
THETA_MINUS = (
    "θ moves against the velocity (θ − v'); the velocity already points downhill: θ' = θ + v'."  # noqa: E501
)
SWAPPED = "the pair comes back swapped, (v', θ'); return (θ', v') in that order."
CONVENTION = (
    "the velocity is the negative of the course's: `{func}` uses the v ← βv + α∇f, θ ← θ − v "
    "convention. This course's velocity is the step itself: v' = βv − α∇f(θ), θ' = θ + v' "
    "(the velocity passed in is in that convention too)."
)
LR_ON_THETA = (
    "the velocity adds up raw gradients (v' = βv − ∇f) and lr scales the move (θ' = θ + αv'). "
    "This course keeps α inside the velocity: v' = βv − α∇f(θ), θ' = θ + v'."
)


def _arrays(p: dict[str, Any], *names: str) -> list[np.ndarray]:
    # Cases pass lists and integer arrays too; the arithmetic of every method is in float64.
    return [np.asarray(p[n], dtype=float) for n in names]


def step(p: dict[str, Any], *, sign: float = -1.0, beta_mode: str = "ok",
          old_velocity: bool = False, theta_sign: float = 1.0, lr: float | None = None,
          beta: float | None = None) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    theta, v, g = _arrays(p, "theta", "velocity", "grad")
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


EMA = (
    "this is the exponential-average form of momentum (v ← βv + (1 − β)∇f, θ ← θ − αv): its "
    "velocity is an average of gradients, not a step. This course's velocity is the step "
    "itself: v' = βv − α∇f(θ), θ' = θ + v' (the velocity passed in is in that convention too)."
)


def ema_step(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """v' = βv + (1 − β)∇f, θ' = θ − αv': the averaged form, applied to the course's v."""
    theta, v, g = _arrays(p, "theta", "velocity", "grad")
    new_v = p["beta"] * v + (1 - p["beta"]) * g
    return theta - p["lr"] * new_v, new_v


def convention_step(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """v' = βv + α∇f, θ' = θ − v': the other sign convention, applied to the course's v."""
    theta, v, g = _arrays(p, "theta", "velocity", "grad")
    new_v = p["beta"] * v + p["lr"] * g
    return theta - new_v, new_v


def lr_on_theta_step(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    theta, v, g = _arrays(p, "theta", "velocity", "grad")
    new_v = p["beta"] * v - g
    return theta + p["lr"] * new_v, new_v


def swap(pair: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    return pair[1], pair[0]


def pytorch_step(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    theta, v, g = _arrays(p, "theta", "velocity", "grad")
    buf = p["beta"] * v + g
    return theta - p["lr"] * buf, buf


def nesterov(p: dict[str, Any], *, look: str = "ok", sign: float = -1.0, beta_mode: str = "ok",
              old_velocity: bool = False) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    theta, v = _arrays(p, "theta", "velocity")
    b = p["beta"]
    point = {"ok": theta + b * v, "classical": theta, "minus": theta - b * v, "no_beta": theta + v}
    g = np.asarray(p["grad_fn"](point[look]), dtype=float)
    return step({**p, "theta": theta, "velocity": v, "grad": g}, sign=sign, beta_mode=beta_mode,
                old_velocity=old_velocity)  # fmt: skip


def nesterov_pytorch(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's rewrite: the gradient at θ, then θ' = θ + βv' − α∇f(θ)."""
    theta, v = _arrays(p, "theta", "velocity")
    g = np.asarray(p["grad_fn"](theta), dtype=float)
    new_v = p["beta"] * v - p["lr"] * g
    return theta + p["beta"] * new_v - p["lr"] * g, new_v


def nesterov_convention(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """v' = βv + α∇f(θ − βv), θ' = θ − v': Nesterov in the other sign convention."""
    theta, v = _arrays(p, "theta", "velocity")
    g = np.asarray(p["grad_fn"](theta - p["beta"] * v), dtype=float)
    new_v = p["beta"] * v + p["lr"] * g
    return theta - new_v, new_v


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
    v = {"zero": np.zeros_like(theta), "theta0": theta.copy(), "step": -a * grad(theta),
         "ones": np.ones_like(theta), "grad": grad(theta)}[v0]  # fmt: skip
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
                after: bool = False, none_as: int | None = None, strict: bool = False,
                first: int = 0, squared: bool = False,
                nesterov: bool = False) -> int | None:  # fmt: skip
    """steps_to_converge(...) with the given deviations.

    squared: tests ‖∇f‖² ≤ tol. nesterov: steps with the gradient at θ + βv. strict: tests
    ‖∇f‖ < tol instead of ≤. first: the number the count starts from (a loop
    `for k in range(first, max_steps + 1)` that still tests before every step)."""
    grad, b = p["grad_fn"], p["beta"] if beta is None else beta
    theta = np.array(p["theta0"], dtype=float)
    v = np.zeros_like(theta)
    for k in range(first, p["max_steps"] + 1):
        g = np.asarray(grad(theta), dtype=float)
        norm = np.linalg.norm(theta if on_theta else g) ** (2 if squared else 1)
        if not after and (norm < p["tol"] if strict else norm <= p["tol"]):
            return k
        if nesterov:
            g = np.asarray(grad(theta + b * v), dtype=float)
        v = b * v - p["lr"] * g
        theta = theta + v
        if after and k + 1 > p["max_steps"]:
            break  # the loop `for k in range(1, max_steps + 1)` stops here too
        if after and np.linalg.norm(grad(theta)) <= p["tol"]:
            return k + 1
    return none_as


def lesson(p: dict[str, Any]) -> np.ndarray:
    """The lesson's own run (with or without momentum, as asked), whatever else is passed."""
    lesson = {"grad_fn": SURFACES["ravine"].grad, "theta0": LESSON_START, "lr": 0.1,
              "steps": 30, "momentum": p["momentum"], "beta": 0.9}  # fmt: skip
    return trajectory(lesson)


def negated_velocity(failing: list[tuple[Any, Any, dict[str, Any]]]) -> str | None:
    """A finding for the step exercises: velocity' is exactly −1 times the expected one."""
    from grader.exercises.base import close

    def negated(got: Any, expected: Any) -> bool:
        return bool(np.any(expected[1])) and close(got[1], -np.asarray(expected[1]))

    if failing and all(negated(g, e) for g, e, _ in failing):
        return (
            "your velocity is the negative of the expected one: the v ← βv + α∇f, θ ← θ − v "
            "convention. This course uses v' = βv − α∇f(θ), θ' = θ + v'."
        )
    return None


def lookahead(failing: list[tuple[Any, Any, dict[str, Any]]]) -> str | None:
    """A finding for nesterov_step: the point where the returned velocity' says the gradient
    was taken, when it is θ + c·v for the same c (or the same parameter) on every failing case.

    From v' = βv − α∇f(x) the gradient used is (βv − v')/α; on these linear gradients
    (∇f(x) = a·x) that gives x = (βv − v')/(α·a)."""
    from grader.exercises.base import close
    from grader.sandbox.surfaces import grad_fn_from_spec

    coefficients = []
    for got, _expected, p in failing:
        grad = p["grad_fn"] if callable(p["grad_fn"]) else grad_fn_from_spec(p["grad_fn"].spec)
        theta, v = (np.asarray(p[k], dtype=float) for k in ("theta", "velocity"))
        ones = np.ones_like(theta)
        a = np.asarray(grad(ones), dtype=float)
        if not np.any(v) or not np.all(a) or not close(grad(2 * ones), 2 * a):
            return None  # a zero velocity or a gradient that is not linear: nothing to read
        point = (p["beta"] * v - np.asarray(got[1], dtype=float)) / (p["lr"] * a)
        c = float(np.dot(point - theta, v) / np.dot(v, v))
        if not close(point, theta + c * v) or abs(c - p["beta"]) < 1e-9:
            return None
        coefficients.append(c)
    if not coefficients:
        return None
    words = _coefficient(coefficients, [p for _, _, p in failing])
    if words is None:
        return None
    return (
        f"velocity' is the one for the gradient taken at θ + c·v with c = {words}; the look-ahead "
        "point is θ + βv (c = beta)."
    )


def _coefficient(cs: list[float], params: list[dict[str, Any]]) -> str | None:
    """c in words: a parameter's expression when it fits every case, else one constant."""
    forms = {"lr": lambda p: p["lr"], "beta²": lambda p: p["beta"] ** 2,
             "−beta": lambda p: -p["beta"], "1 − beta": lambda p: 1 - p["beta"],
             "lr·beta": lambda p: p["lr"] * p["beta"]}  # fmt: skip
    for text, f in forms.items():
        if all(abs(c - f(p)) <= 1e-9 * max(1.0, abs(c)) for c, p in zip(cs, params, strict=True)):
            return text if len(cs) > 1 else f"{cs[0]:.6g} (that is, {text})"
    if all(abs(c - cs[0]) <= 1e-9 * max(1.0, abs(cs[0])) for c in cs):
        return f"{cs[0]:.6g}"
    return None


def uses_momentum(p: dict[str, Any]) -> bool:
    return bool(p["momentum"])


def is_lesson(p: dict[str, Any]) -> bool:
    return p["steps"] == 30 and np.shape(p["theta0"]) == (2,) and p["lr"] == 0.1
