# file: momentum.py
# exercise: optimize
"""A tuple of tuples, grown by concatenation."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); rows = (tuple(theta),)
    for _ in range(steps):
        g = grad_fn(theta)
        v = beta * v - lr * g if momentum else -lr * g
        theta = theta + v
        rows = rows + (tuple(theta),)
    return rows
