# file: nesterov.py
# exercise: nesterov_step
# finding: theta' is right every time; only velocity' differs
"""Returns the velocity it was given."""

def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    theta = np.asarray(theta, dtype=float); v = np.asarray(velocity, dtype=float)
    nv = beta * v - lr * grad_fn(theta + beta * v)
    return theta + nv, v
