"""The other sign convention: v <- beta*v + lr*grad, theta <- theta - v."""

import numpy as np

DIAGNOSIS = 'v ← βv + α∇f, θ ← θ − v convention'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    velocity = beta * np.asarray(velocity, dtype=float) + lr * np.asarray(grad, dtype=float)
    return np.asarray(theta, dtype=float) - velocity, velocity
