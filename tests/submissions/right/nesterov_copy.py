# file: nesterov.py
# exercise: nesterov_step
"""Copies its inputs first and updates the copies in place."""


def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    theta = np.array(theta, dtype=float)
    v = np.array(velocity, dtype=float)
    g = grad_fn(theta + beta * v)
    v *= beta
    v -= lr * g
    theta += v
    return theta, v
