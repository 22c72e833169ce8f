"""Always uses momentum."""

import numpy as np

DIAGNOSIS = 'momentum=True whatever momentum is passed'


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    rows = [theta]
    for _ in range(steps):
        v = beta * v - lr * grad_fn(theta)
        theta = theta + v
        rows.append(theta)
    return np.array(rows)
