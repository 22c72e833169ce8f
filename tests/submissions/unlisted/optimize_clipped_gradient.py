# file: momentum.py
# exercise: optimize
# finding: row 0 is right and the first step (row 1) already differs
"""Clips the gradient to [-5, 5]."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); rows = [theta]
    for _ in range(steps):
        g = np.clip(grad_fn(theta), -5, 5)
        v = beta * v - lr * g if momentum else -lr * g
        theta = theta + v; rows.append(theta)
    return np.array(rows)
