"""β on the gradient term instead of the velocity."""

import numpy as np

DIAGNOSIS = 'β multiplies the gradient term'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = velocity - beta * lr * grad
    return theta + new_v, new_v
