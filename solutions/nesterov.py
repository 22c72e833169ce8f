"""Reference solution for exercises/nesterov.py (instructors only)."""

import numpy as np


def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    """One step of Nesterov's accelerated gradient; returns (theta', v')."""
    theta = np.asarray(theta, dtype=float)
    velocity = np.asarray(velocity, dtype=float)
    # The gradient is taken where the velocity is about to carry us, not where we stand.
    lookahead = theta + beta * velocity
    new_velocity = beta * velocity - lr * np.asarray(grad_fn(lookahead), dtype=float)
    return theta + new_velocity, new_velocity
