"""Works on Python lists and calls grad_fn with one."""

import numpy as np

DIAGNOSIS = 'grad_fn expects a 1-D float numpy array, got list'
STATUS = 'error'


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = [float(x) for x in theta0]
    v = [0.0] * len(theta)
    rows = [list(theta)]
    for _ in range(steps):
        g = grad_fn(theta)
        for i in range(len(theta)):
            v[i] = beta * v[i] - lr * g[i] if momentum else -lr * g[i]
            theta[i] += v[i]
        rows.append(list(theta))
    return np.array(rows)
