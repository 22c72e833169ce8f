"""Nesterov in the other sign convention: look ahead at theta - beta*v, theta' = theta - v'."""

import numpy as np

DIAGNOSIS = 'v ← βv + α∇f, θ ← θ − v convention'


def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    theta = np.asarray(theta, dtype=float)
    new_v = beta * velocity + lr * grad_fn(theta - beta * velocity)
    return theta - new_v, new_v
