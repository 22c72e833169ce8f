# file: tuning.py
# exercise: steps_to_converge
"""itertools.count with a bound, and `not norm > tol`."""

import itertools
def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta)
    for k in itertools.count():
        if k > max_steps:
            return None
        g = grad_fn(theta)
        if not np.linalg.norm(g) > tol:
            return k
        v = beta * v - lr * g; theta = theta + v
