# file: momentum.py
# exercise: momentum_step
# finding: lr replaced by lr·(1 − beta)
"""v ← βv − α(1 − β)∇f: the damped form."""

def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    v = beta * np.asarray(velocity, dtype=float) - (1 - beta) * lr * np.asarray(grad, dtype=float)
    return np.asarray(theta, dtype=float) + v, v
