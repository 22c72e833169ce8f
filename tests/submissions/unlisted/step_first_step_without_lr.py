# file: momentum.py
# exercise: momentum_step
# finding: 1/lr times the expected velocity'
"""Leaves lr out when the velocity is zero (a first-step special case)."""

def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    theta = np.asarray(theta, dtype=float); velocity = np.asarray(velocity, dtype=float)
    if not velocity.any():
        v = -np.asarray(grad, dtype=float)
    else:
        v = beta * velocity - lr * np.asarray(grad, dtype=float)
    return theta + v, v
