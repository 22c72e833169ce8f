# file: momentum.py
# exercise: momentum_step
# finding: your velocity is the negative of the expected one: the v ← βv + α∇f, θ ← θ − v convention
"""Wrong in a way no list names."""

def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = beta * np.asarray(velocity, dtype=float) - lr * np.asarray(grad, dtype=float)
    return np.asarray(theta, dtype=float) + new_v, -new_v
