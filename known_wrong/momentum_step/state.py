"""Remembers the velocity in a global instead of using the one passed in."""

import numpy as np

DIAGNOSIS = 'keeps state between calls'

_velocity = None


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    global _velocity
    if _velocity is None or _velocity.shape != np.shape(velocity):
        _velocity = np.array(velocity, dtype=float)
    _velocity = beta * _velocity - lr * np.asarray(grad, dtype=float)
    return np.asarray(theta, dtype=float) + _velocity, _velocity
