# file: momentum.py
# exercise: optimize
"""Python floats for d = 1, returned as a flat list."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    if len(theta0) == 1:
        x, v, out = float(theta0[0]), 0.0, []
        out.append(x)
        for _ in range(steps):
            g = float(grad_fn(np.array([x]))[0])
            v = beta * v - lr * g if momentum else -lr * g
            x = x + v; out.append(x)
        return out
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); rows = [theta]
    for _ in range(steps):
        g = grad_fn(theta)
        v = beta * v - lr * g if momentum else -lr * g
        theta = theta + v; rows.append(theta)
    return np.array(rows)
