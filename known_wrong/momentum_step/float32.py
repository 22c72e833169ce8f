"""Single precision: right formula, float32 arithmetic."""

import numpy as np

DIAGNOSIS = 'precision of float32'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    theta, velocity, grad = (np.asarray(x, dtype=np.float32) for x in (theta, velocity, grad))
    new_v = np.float32(beta) * velocity - np.float32(lr) * grad
    return theta + new_v, new_v
