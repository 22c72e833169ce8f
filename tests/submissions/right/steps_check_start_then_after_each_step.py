# file: tuning.py
# exercise: steps_to_converge
"""Tests the start, then after each step up to max_steps."""

def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta)
    if np.linalg.norm(grad_fn(theta)) <= tol:
        return 0
    for k in range(1, max_steps + 1):
        v = beta * v - lr * grad_fn(theta)
        theta = theta + v
        if np.linalg.norm(grad_fn(theta)) <= tol:
            return k
    return None
