# file: momentum.py
# exercise: momentum_step
# finding: has shape (1, 2); expected (2,)
"""np.matrix arithmetic: every result is 2-D."""

def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    v = beta * np.matrix(velocity, dtype=float) - lr * np.matrix(grad, dtype=float)
    return np.matrix(theta, dtype=float) + v, v
