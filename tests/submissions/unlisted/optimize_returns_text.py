# file: momentum.py
# exercise: optimize
# finding: which is not one array of numbers
"""A list of lists of str."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); rows = [theta]
    for _ in range(steps):
        g = grad_fn(theta)
        v = beta * v - lr * g if momentum else -lr * g
        theta = theta + v; rows.append(theta)
    return [[str(x) for x in r] for r in rows]
