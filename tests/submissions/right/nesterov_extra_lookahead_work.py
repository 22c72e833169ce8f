# file: nesterov.py
# exercise: nesterov_step
"""Computes a look-ahead for the next step too (unused): the answer is the same."""

def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    theta = np.asarray(theta, dtype=float); v = np.asarray(velocity, dtype=float)
    ahead = theta + beta * v
    nv = beta * v - lr * grad_fn(ahead)
    new_ahead = ahead + beta * nv - lr * grad_fn(ahead) + (1 - beta) * 0
    return theta + nv, nv
