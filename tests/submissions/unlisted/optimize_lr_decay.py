# file: momentum.py
# exercise: optimize
# finding: rows 0 to 1 are right and row 2 differs
"""Decays lr each step (nobody asked)."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); rows = [theta]
    for k in range(steps):
        g = grad_fn(theta)
        a = lr / (1 + 0.01 * k)
        v = beta * v - a * g if momentum else -a * g
        theta = theta + v; rows.append(theta)
    return np.array(rows)
