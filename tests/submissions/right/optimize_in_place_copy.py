# file: momentum.py
# exercise: optimize
"""Updates a float copy in place and appends copies of it."""


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    rows = [theta.copy()]
    for _ in range(steps):
        g = grad_fn(theta)
        if momentum:
            v *= beta
            v -= lr * g
            theta += v
        else:
            theta -= lr * g
        rows.append(theta.copy())
    return np.array(rows)
