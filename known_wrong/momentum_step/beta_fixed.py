"""β hard-coded."""

import numpy as np

DIAGNOSIS = 'beta = 0.9 whatever'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = 0.9 * velocity - lr * grad
    return theta + new_v, new_v
