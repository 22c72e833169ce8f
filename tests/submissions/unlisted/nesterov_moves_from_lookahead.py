# file: nesterov.py
# exercise: nesterov_step
# finding: velocity' is right every time; only theta' differs
"""Moves from the look-ahead point: theta' = theta + beta v + v'."""

def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    theta = np.asarray(theta, dtype=float); v = np.asarray(velocity, dtype=float)
    ahead = theta + beta * v
    nv = beta * v - lr * grad_fn(ahead)
    return ahead + nv, nv
