# file: momentum.py
# exercise: optimize
# finding: Check the defaults in your `def` line
"""steps=10 as the default in the def line."""

def optimize(grad_fn, theta0, lr=0.1, steps=10, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); rows = [theta]
    for _ in range(steps):
        g = grad_fn(theta)
        v = beta * v - lr * g if momentum else -lr * g
        theta = theta + v; rows.append(theta)
    return np.array(rows)
