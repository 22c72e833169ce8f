"""Ignores `lr`."""

import numpy as np

DIAGNOSIS = 'lr = 0.1 whatever'


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    rows = [theta]
    for _ in range(steps):
        if momentum:
            theta, v = momentum_step(theta, v, grad_fn(theta), 0.1, beta)
        else:
            theta = theta - 0.1 * grad_fn(theta)
        rows.append(theta)
    return np.array(rows)
