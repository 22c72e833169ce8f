# file: momentum.py
# exercise: optimize
"""The first momentum step written as -lr * g (v0 = 0 makes it the same)."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); rows = [theta]
    for k in range(steps):
        g = grad_fn(theta)
        if momentum and k > 0:
            v = beta * v - lr * g
        else:
            v = -lr * g
        theta = theta + v; rows.append(theta)
    return np.array(rows)
