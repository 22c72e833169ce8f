"""Walks theta0 itself."""

import numpy as np

DIAGNOSIS = 'changed its argument `theta0` in place'


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = theta0
    v = np.zeros_like(theta)
    rows = [theta.copy()]
    for _ in range(steps):
        if momentum:
            v = beta * v - lr * grad_fn(theta)
            theta += v
        else:
            theta -= lr * grad_fn(theta)
        rows.append(theta.copy())
    return np.array(rows)
