# file: momentum.py
# exercise: momentum_step
# finding: (item 2 is a str ('done'))
"""Returns a status string as a third item."""

def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    v = beta * np.asarray(velocity, dtype=float) - lr * np.asarray(grad, dtype=float)
    return np.asarray(theta, dtype=float) + v, v, "done"
