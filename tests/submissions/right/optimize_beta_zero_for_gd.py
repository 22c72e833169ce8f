# file: momentum.py
# exercise: optimize
"""Plain gradient descent as momentum_step with beta = 0."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); rows = [theta]
    b = beta if momentum else 0.0
    for _ in range(steps):
        theta, v = momentum_step(theta, v, grad_fn(theta), lr, b)
        rows.append(theta)
    return np.array(rows)
