"""Tests the size of θ instead of the gradient."""

import numpy as np

DIAGNOSIS = '‖θ‖ ≤ tol'


def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    for k in range(max_steps + 1):
        if np.linalg.norm(theta) <= tol:
            return k
        v = beta * v - lr * grad_fn(theta)
        theta = theta + v
    return None
