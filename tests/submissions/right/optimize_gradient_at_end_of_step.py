# file: momentum.py
# exercise: optimize
"""Computes the next gradient at the end of each step."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); rows = [theta]
    g = grad_fn(theta)
    for _ in range(steps):
        v = beta * v - lr * g if momentum else -lr * g
        theta = theta + v; rows.append(theta)
        g = grad_fn(theta)
    return np.array(rows)
