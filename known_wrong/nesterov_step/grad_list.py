"""Calls grad_fn with a Python list."""

import numpy as np

DIAGNOSIS = 'grad_fn expects a 1-D float numpy array, got list'
STATUS = 'error'


def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    ahead = [t + beta * v for t, v in zip(theta, velocity)]
    new_v = beta * np.asarray(velocity, dtype=float) - lr * np.asarray(grad_fn(ahead))
    return np.asarray(theta, dtype=float) + new_v, new_v
