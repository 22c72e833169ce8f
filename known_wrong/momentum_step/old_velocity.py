"""θ moved by the old velocity."""

import numpy as np

DIAGNOSIS = 'old velocity'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = beta * velocity - lr * grad
    return theta + velocity, new_v
