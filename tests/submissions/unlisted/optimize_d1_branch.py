# file: momentum.py
# exercise: optimize
# finding: the first step (row 1 − row 0) is 2 times the expected step
"""A special branch for d = 1 with a slip."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); rows = [theta]
    for _ in range(steps):
        g = grad_fn(theta)
        if len(theta) == 1:
            g = g * 2   # a "scalar" branch with a slip
        v = beta * v - lr * g if momentum else -lr * g
        theta = theta + v; rows.append(theta)
    return np.array(rows)
