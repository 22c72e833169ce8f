# file: nesterov.py
# exercise: nesterov_step
"""Keyword arguments to numpy, and the look-ahead point built with np.add."""


def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    ahead = np.add(theta, beta * np.asarray(velocity), dtype=float)
    v = np.subtract(beta * np.asarray(velocity), lr * grad_fn(ahead))
    return np.add(theta, v, dtype=float), v
