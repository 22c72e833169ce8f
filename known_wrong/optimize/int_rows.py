"""Stores the trajectory in an array with theta0's dtype: integers truncate."""

import numpy as np

DIAGNOSIS = 'every returned value is a whole number'


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    rows = np.empty_like(theta0, shape=(steps + 1, len(theta0)))
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    rows[0] = theta
    for k in range(steps):
        if momentum:
            theta, v = momentum_step(theta, v, grad_fn(theta), lr, beta)
        else:
            theta = theta - lr * grad_fn(theta)
        rows[k + 1] = theta
    return rows
