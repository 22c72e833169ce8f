# file: momentum.py
# exercise: momentum_step
# finding: Check the defaults in your `def` line: lr=0.1, beta=0.9.
"""beta=0.99 as the default in the def line."""

def momentum_step(theta, velocity, grad, lr=0.1, beta=0.99):
    v = beta * np.asarray(velocity, dtype=float) - lr * np.asarray(grad, dtype=float)
    return np.asarray(theta, dtype=float) + v, v
