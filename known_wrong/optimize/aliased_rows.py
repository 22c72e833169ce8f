"""Appends the same array, changed in place, so every row is the last θ."""

import numpy as np

DIAGNOSIS = 'same array again and again'


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    rows = [theta]
    for _ in range(steps):
        if momentum:
            v = beta * v - lr * grad_fn(theta)
            theta += v
        else:
            theta -= lr * grad_fn(theta)
        rows.append(theta)
    return rows
