# file: momentum.py
# exercise: optimize
"""np.zeros_like(theta0) (integer for an integer theta0), then reassigned, never written in place."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta0); rows = [theta]
    for _ in range(steps):
        g = grad_fn(theta)
        if momentum:
            v = beta * v - lr * g
            theta = theta + v
        else:
            theta = theta - lr * g
        rows.append(theta)
    return np.array(rows)
