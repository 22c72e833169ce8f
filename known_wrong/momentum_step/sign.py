"""The gradient term added instead of subtracted."""

import numpy as np

DIAGNOSIS = 'wrong sign'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = beta * velocity + lr * grad
    return theta + new_v, new_v
