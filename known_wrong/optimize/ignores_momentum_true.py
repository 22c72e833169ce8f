"""Never uses momentum."""

import numpy as np

DIAGNOSIS = 'momentum=False (whatever is passed)'


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float)
    rows = [theta]
    for _ in range(steps):
        theta = theta - lr * grad_fn(theta)
        rows.append(theta)
    return np.array(rows)
