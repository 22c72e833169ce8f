# file: momentum.py
# exercise: momentum_step
# finding: velocity' is 2 times the expected velocity'
"""Wrong in a way no list names."""

def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = beta * np.asarray(velocity, dtype=float) - lr * np.asarray(grad, dtype=float)
    return np.asarray(theta, dtype=float) + new_v, 2 * new_v
