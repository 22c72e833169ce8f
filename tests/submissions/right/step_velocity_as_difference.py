# file: momentum.py
# exercise: momentum_step
"""theta' first (theta + beta v - lr g), then v' = theta' - theta: the same numbers."""

def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    theta = np.asarray(theta, dtype=float); velocity = np.asarray(velocity, dtype=float)
    new_theta = theta + beta * velocity - lr * grad
    return new_theta, new_theta - theta
