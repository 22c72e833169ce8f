"""Loss surfaces shared by the exercises, the hidden checks and the plots.

Each surface pairs a loss with its exact gradient. The lesson's own code pairs the ravine
``½(4x² + y²)`` with the gradient ``(4x, 2y)``; the true gradient is ``(4x, y)``, and that is
what lives here. ``tests/test_surfaces.py`` checks every gradient against finite differences.

This module is imported by the sandbox worker before any student code, so it must stay small and
import nothing but numpy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Surface:
    """A named loss with its gradient, a default start and a plotting window."""

    name: str
    title: str
    formula: str
    loss: Callable[[Array], float]
    grad: Callable[[Array], Array]
    start: tuple[float, ...]
    window: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax for 2-D plots
    minimum: tuple[float, ...]


def _ravine_loss(theta: Array) -> float:
    x, y = theta
    return 0.5 * (4.0 * x * x + y * y)


def _ravine_grad(theta: Array) -> Array:
    x, y = theta
    return np.array([4.0 * x, y])


def _ill_loss(theta: Array) -> float:
    x, y = theta
    return 0.5 * (25.0 * x * x + y * y)


def _ill_grad(theta: Array) -> Array:
    x, y = theta
    return np.array([25.0 * x, y])


def _rosenbrock_loss(theta: Array) -> float:
    x, y = theta
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def _rosenbrock_grad(theta: Array) -> Array:
    x, y = theta
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


SURFACES: dict[str, Surface] = {
    s.name: s
    for s in (
        Surface(
            "ravine",
            "ravine",
            "½(4x² + y²)",
            _ravine_loss,
            _ravine_grad,
            (2.0, 2.0),
            (-2.5, 2.5, -2.5, 2.5),
            (0.0, 0.0),
        ),
        Surface(
            "ill-conditioned",
            "ill-conditioned quadratic",
            "½(25x² + y²)",
            _ill_loss,
            _ill_grad,
            (0.3, 2.0),
            (-0.6, 0.6, -2.5, 2.5),
            (0.0, 0.0),
        ),
        Surface(
            "rosenbrock",
            "Rosenbrock",
            "(1 − x)² + 100(y − x²)²",
            _rosenbrock_loss,
            _rosenbrock_grad,
            (-1.2, 1.0),
            (-2.0, 2.0, -1.0, 3.0),
            (1.0, 1.0),
        ),
    )
}


def quadratic(curvatures: Array) -> tuple[Callable[[Array], float], Callable[[Array], Array]]:
    """Loss and gradient of ``½ Σ aᵢ θᵢ²`` in any dimension (the randomised checks use it)."""
    a = np.asarray(curvatures, dtype=float)

    def loss(theta: Array) -> float:
        return 0.5 * float(np.sum(a * theta * theta))

    def grad(theta: Array) -> Array:
        return a * np.asarray(theta, dtype=float)

    return loss, grad


def grad_fn_from_spec(spec: dict) -> Callable[[Array], Array]:
    """Build a gradient function from its plain-data description (used across the sandbox).

    The function accepts only what the exercises promise to pass, a 1-D float numpy array, and
    says so for anything else: a lenient gradient would let a list or an integer theta through
    unnoticed, where a student's own gradient (or PyTorch's) would not."""
    kind = spec["kind"]
    if kind == "surface":
        grad = SURFACES[spec["name"]].grad
    elif kind == "quadratic":
        grad = quadratic(np.asarray(spec["curvatures"], dtype=float))[1]
    else:
        raise ValueError(f"unknown gradient kind {kind!r}")

    def grad_fn(theta: Array) -> Array:
        if not isinstance(theta, np.ndarray):
            got = type(theta).__name__
        elif theta.dtype.kind != "f":
            got = f"an array of {theta.dtype} (convert with np.array(theta0, dtype=float))"
        elif theta.ndim != 1:
            got = f"an array of shape {theta.shape}"
        else:
            return grad(theta)
        raise TypeError(f"grad_fn expects a 1-D float numpy array, got {got}")

    return grad_fn
