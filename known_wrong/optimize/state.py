"""Keeps one velocity per dimension in a global, updated in place, across calls."""

import numpy as np

DIAGNOSIS = 'keeps state between calls'

_VELOCITY = {}


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float)
    v = _VELOCITY.setdefault(len(theta), np.zeros(len(theta)))
    rows = [theta]
    for _ in range(steps):
        g = grad_fn(theta)
        if momentum:
            v *= beta
            v -= lr * g
            theta = theta + v
        else:
            theta = theta - lr * g
        rows.append(theta)
    return np.array(rows)
