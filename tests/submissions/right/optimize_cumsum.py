# file: momentum.py
# exercise: optimize
"""theta0 plus the running sum (np.cumsum) of the moves."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta)
    moves = [np.zeros_like(theta)]
    for _ in range(steps):
        g = grad_fn(theta)
        v = beta * v - lr * g if momentum else -lr * g
        moves.append(v); theta = theta + v
    return np.array(theta0, dtype=float) + np.cumsum(np.array(moves), axis=0)
