"""Changes the caller's arrays."""

import numpy as np

DIAGNOSIS = 'in place'


def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    g = grad_fn(theta + beta * velocity)
    velocity *= beta
    velocity -= lr * g
    theta += velocity
    return theta, velocity
