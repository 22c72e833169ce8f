"""Passes beta and lr to momentum_step in the wrong order."""

import numpy as np

DIAGNOSIS = 'with lr and beta swapped'


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    rows = [theta]
    for _ in range(steps):
        if momentum:
            theta, v = momentum_step(theta, v, grad_fn(theta), beta, lr)
        else:
            theta = theta - lr * grad_fn(theta)
        rows.append(theta)
    return np.array(rows)
