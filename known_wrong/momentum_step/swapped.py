"""Returns (v', θ') instead of (θ', v')."""

import numpy as np

DIAGNOSIS = 'swapped'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = beta * velocity - lr * grad
    return new_v, theta + new_v
