# file: momentum.py
# exercise: optimize
# finding: the right numbers in the wrong shape
"""Rows as np.matrix: the trajectory is (steps + 1, 1, d)."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); rows = [np.matrix(theta)]
    for _ in range(steps):
        g = grad_fn(theta)
        v = beta * v - lr * g if momentum else -lr * g
        theta = theta + v; rows.append(np.matrix(theta))
    return np.array(rows)
