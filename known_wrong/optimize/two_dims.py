"""Written for two coordinates."""

import numpy as np

DIAGNOSIS = 'only 2 dimensions work'


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    x, y = float(theta0[0]), float(theta0[1])
    vx = vy = 0.0
    rows = [[x, y]]
    for _ in range(steps):
        gx, gy = grad_fn(np.array([x, y]))
        if momentum:
            vx, vy = beta * vx - lr * gx, beta * vy - lr * gy
            x, y = x + vx, y + vy
        else:
            x, y = x - lr * gx, y - lr * gy
        rows.append([x, y])
    return np.array(rows)
