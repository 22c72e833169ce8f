# file: momentum.py
# exercise: optimize
"""PyTorch's convention (buf = β·buf + g; θ −= lr·buf) traces the same trajectory."""


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float)
    buf = np.zeros_like(theta)
    out = [theta.copy()]
    for _ in range(steps):
        g = grad_fn(theta)
        if momentum:
            buf = beta * buf + g
            theta = theta - lr * buf
        else:
            theta = theta - lr * g
        out.append(theta.copy())
    return np.array(out)
