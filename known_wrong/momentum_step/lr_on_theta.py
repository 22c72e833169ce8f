"""The velocity sums raw gradients; lr scales the move instead."""

import numpy as np

DIAGNOSIS = 'lr scales the move'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = beta * np.asarray(velocity, dtype=float) - np.asarray(grad, dtype=float)
    return np.asarray(theta, dtype=float) + lr * new_v, new_v
