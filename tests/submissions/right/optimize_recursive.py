# file: momentum.py
# exercise: optimize
"""Recursion instead of a loop: the trajectory of steps - 1, then one more row."""


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    def run(k):
        if k == 0:
            theta = np.asarray(theta0, dtype=np.float64)
            return [theta], np.zeros_like(theta)
        rows, v = run(k - 1)
        g = grad_fn(rows[-1])
        v = beta * v - lr * g if momentum else -lr * g
        return rows + [rows[-1] + v], v

    return np.vstack(run(steps)[0])
