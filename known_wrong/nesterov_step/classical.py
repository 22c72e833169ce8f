"""Classical momentum where Nesterov was asked."""

import numpy as np

DIAGNOSIS = 'gradient is taken at θ'


def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    theta = np.asarray(theta, dtype=float)
    new_v = beta * velocity - lr * grad_fn(theta)
    return theta + new_v, new_v
