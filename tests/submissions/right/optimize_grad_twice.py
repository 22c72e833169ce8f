# file: momentum.py
# exercise: optimize
"""Calls grad_fn twice per step (once for a debugging norm): same answer."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); rows = [theta]
    for _ in range(steps):
        norm = np.linalg.norm(grad_fn(theta))  # printed for debugging
        g = grad_fn(theta)
        v = beta * v - lr * g if momentum else -lr * g
        theta = theta + v; rows.append(theta)
    return np.array(rows)
