"""The learning rate hard-coded."""

import numpy as np

DIAGNOSIS = 'lr = 0.1 whatever'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = beta * velocity - 0.1 * grad
    return theta + new_v, new_v
