# file: tuning.py
# exercise: steps_to_converge
"""Counts gradient evaluations and returns calls - 1."""

def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); calls = 0
    while calls <= max_steps:
        g = grad_fn(theta); calls += 1
        if np.linalg.norm(g) <= tol:
            return calls - 1
        v = beta * v - lr * g; theta = theta + v
    return None
