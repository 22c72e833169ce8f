# file: momentum.py
# exercise: optimize
# finding: rows 0 to 5 are right and row 6 differs
"""Wrong in a way no list names."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    rows = [theta]
    for k in range(steps):
        if k == 5:
            v = np.zeros_like(theta)  # a "restart" nobody asked for
        g = grad_fn(theta)
        v = beta * v - lr * g if momentum else -lr * g
        theta = theta + v
        rows.append(theta)
    return np.array(rows)
