"""Walks the caller's theta0 (np.asarray makes no copy of a float array)."""

import numpy as np

DIAGNOSIS = 'changed its argument `theta0` in place'


def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    theta = np.asarray(theta0, dtype=float)
    v = np.zeros_like(theta)
    for k in range(max_steps + 1):
        g = grad_fn(theta)
        if np.linalg.norm(g) <= tol:
            return k
        v = beta * v - lr * g
        theta += v
    return None
