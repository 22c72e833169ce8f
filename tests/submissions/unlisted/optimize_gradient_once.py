# file: momentum.py
# exercise: optimize
# finding: which must be computed again at each new θ
"""Computes the gradient once, before the loop."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); rows = [theta]
    g = grad_fn(theta)
    for _ in range(steps):
        v = beta * v - lr * g if momentum else -lr * g
        theta = theta + v; rows.append(theta)
    return np.array(rows)
