# file: momentum.py
# exercise: optimize
# finding: rows 0 to 1 are right and row 2 differs
"""Plain gradient descent through momentum_step with beta = 0.5."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); rows = [theta]
    for _ in range(steps):
        theta, v = momentum_step(theta, v, grad_fn(theta), lr, beta if momentum else 0.5)
        rows.append(theta)
    return np.array(rows)
