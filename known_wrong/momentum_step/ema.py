"""The deep-learning course's averaged momentum: v ← βv + (1 − β)∇f, θ ← θ − αv."""

import numpy as np

DIAGNOSIS = 'exponential-average form'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    v = beta * np.asarray(velocity, dtype=float) + (1 - beta) * np.asarray(grad, dtype=float)
    return np.asarray(theta, dtype=float) - lr * v, v
