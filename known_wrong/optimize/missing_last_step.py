"""One update short."""

import numpy as np

DIAGNOSIS = 'steps − 1: one fewer than passed'


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    rows = [theta]
    for _ in range(steps - 1):
        if momentum:
            theta, v = momentum_step(theta, v, grad_fn(theta), lr, beta)
        else:
            theta = theta - lr * grad_fn(theta)
        rows.append(theta)
    return np.array(rows)[: max(steps, 1)]
