# file: momentum.py
# exercise: momentum_step
# finding: Exactly the cases with beta ≥
"""A branch on beta with the sign flipped above 0.9."""

def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    theta = np.asarray(theta, dtype=float)
    if beta > 0.9:
        v = beta * np.asarray(velocity, dtype=float) + lr * np.asarray(grad, dtype=float)
    else:
        v = beta * np.asarray(velocity, dtype=float) - lr * np.asarray(grad, dtype=float)
    return theta + v, v
