# file: momentum.py
# exercise: momentum_step
# finding: with lr and beta swapped
"""Wrong in a way no list names."""

def momentum_step(theta, velocity, grad, beta=0.9, lr=0.1):
    new_v = beta * np.asarray(velocity, dtype=float) - lr * np.asarray(grad, dtype=float)
    return np.asarray(theta, dtype=float) + new_v, new_v
