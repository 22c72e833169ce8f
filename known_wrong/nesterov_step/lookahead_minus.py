"""Looks behind instead of ahead."""

import numpy as np

DIAGNOSIS = 'θ − βv'


def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    new_v = beta * velocity - lr * grad_fn(theta - beta * velocity)
    return theta + new_v, new_v
