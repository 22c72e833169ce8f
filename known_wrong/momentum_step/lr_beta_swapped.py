"""lr where beta belongs and beta where lr belongs."""

import numpy as np

DIAGNOSIS = 'with lr and beta swapped'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = lr * np.asarray(velocity, dtype=float) - beta * np.asarray(grad, dtype=float)
    return np.asarray(theta, dtype=float) + new_v, new_v
