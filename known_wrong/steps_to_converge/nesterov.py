"""Counts Nesterov steps (the gradient at the look-ahead point) instead of classical ones."""

import numpy as np

DIAGNOSIS = 'look-ahead point θ + βv (Nesterov)'


def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    for k in range(max_steps + 1):
        if np.linalg.norm(grad_fn(theta)) <= tol:
            return k
        v = beta * v - lr * grad_fn(theta + beta * v)
        theta = theta + v
    return None
