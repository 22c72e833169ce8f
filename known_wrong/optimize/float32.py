"""Right method in single precision."""

import numpy as np

DIAGNOSIS = 'precision of float32'


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=np.float32)
    v = np.zeros_like(theta)
    rows = [theta]
    for _ in range(steps):
        g = grad_fn(theta).astype(np.float32)
        if momentum:
            v = np.float32(beta) * v - np.float32(lr) * g
            theta = theta + v
        else:
            theta = theta - np.float32(lr) * g
        rows.append(theta)
    return np.array(rows)
