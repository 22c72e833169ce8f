# file: momentum.py
# exercise: optimize
"""np.array(theta0) * 1.0 makes a float copy; then in place with .copy() rows."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0) * 1.0
    v = np.zeros_like(theta); rows = [theta.copy()]
    for _ in range(steps):
        g = grad_fn(theta)
        v = beta * v - lr * g if momentum else -lr * g
        theta += v; rows.append(theta.copy())
    return np.array(rows)
