# file: momentum.py
# exercise: optimize
# finding: lr replaced by lr·beta
"""Wrong in a way no list names."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    rows = [theta]
    for _ in range(steps):
        if momentum:
            theta, v = momentum_step(theta, v, grad_fn(theta), lr * beta, beta)
        else:
            theta = theta - lr * grad_fn(theta)
        rows.append(theta)
    return np.array(rows)
