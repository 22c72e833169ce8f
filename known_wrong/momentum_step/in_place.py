"""Updates the caller's arrays in place."""

import numpy as np

DIAGNOSIS = 'in place'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    velocity *= beta
    velocity -= lr * grad
    theta += velocity
    return theta, velocity
