# file: momentum.py
# exercise: optimize
"""functools.reduce carrying (rows, velocity)."""

import functools
def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    def one(acc, _):
        rows, v = acc
        g = grad_fn(rows[-1])
        v = beta * v - lr * g if momentum else -lr * g
        return rows + [rows[-1] + v], v
    start = np.array(theta0, dtype=float)
    rows, _ = functools.reduce(one, range(steps), ([start], np.zeros_like(start)))
    return np.array(rows)
