"""The velocity starts at the first gradient."""

import numpy as np

DIAGNOSIS = 'starts at the first gradient'


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float)
    v = grad_fn(theta)
    rows = [theta]
    for _ in range(steps):
        if momentum:
            theta, v = momentum_step(theta, v, grad_fn(theta), lr, beta)
        else:
            theta = theta - lr * grad_fn(theta)
        rows.append(theta)
    return np.array(rows)
