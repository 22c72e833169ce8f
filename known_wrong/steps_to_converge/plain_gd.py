"""Counts steps of plain gradient descent."""

import numpy as np

DIAGNOSIS = 'beta = 0, as if the term with beta were left out'


def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    theta = np.array(theta0, dtype=float)
    for k in range(max_steps + 1):
        g = grad_fn(theta)
        if np.linalg.norm(g) <= tol:
            return k
        theta = theta - lr * g
    return None
