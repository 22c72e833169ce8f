"""β left out: the old velocity is carried forward whole."""

import numpy as np

DIAGNOSIS = 'β never multiplies'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = velocity - lr * grad
    return theta + new_v, new_v
