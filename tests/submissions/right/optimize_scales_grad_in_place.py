# file: momentum.py
# exercise: optimize
"""Scales grad_fn's returned array in place (g *= lr): it is a fresh array."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); rows = [theta]
    for _ in range(steps):
        g = grad_fn(theta)
        g *= lr
        if momentum:
            v = beta * v - g
        else:
            v = -g
        theta = theta + v; rows.append(theta)
    return np.array(rows)
