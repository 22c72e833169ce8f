"""Ignores `steps`."""

import numpy as np

DIAGNOSIS = 'steps = 30 whatever steps is passed'


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    rows = [theta]
    for _ in range(30):
        if momentum:
            theta, v = momentum_step(theta, v, grad_fn(theta), lr, beta)
        else:
            theta = theta - lr * grad_fn(theta)
        rows.append(theta)
    return np.array(rows)
