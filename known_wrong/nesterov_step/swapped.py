"""Returns (v', θ')."""

import numpy as np

DIAGNOSIS = 'swapped'


def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    new_v = beta * velocity - lr * grad_fn(theta + beta * velocity)
    return new_v, theta + new_v
