"""Nesterov's look-ahead where classical momentum was asked."""

import numpy as np

DIAGNOSIS = 'look-ahead point'


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    rows = [theta]
    for _ in range(steps):
        if momentum:
            v = beta * v - lr * grad_fn(theta + beta * v)
            theta = theta + v
        else:
            theta = theta - lr * grad_fn(theta)
        rows.append(theta)
    return np.array(rows)
