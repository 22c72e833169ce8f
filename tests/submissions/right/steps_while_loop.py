# file: tuning.py
# exercise: steps_to_converge
"""A while loop that reuses the student's own momentum_step; returns a numpy integer."""

from momentum import momentum_step


def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    theta, v, k = np.asarray(theta0, dtype=float), np.zeros(len(theta0)), 0
    while np.sqrt(np.sum(grad_fn(theta) ** 2)) > tol:
        if k == max_steps:
            return None
        theta, v = momentum_step(theta, v, grad_fn(theta), lr, beta)
        k += 1
    return np.int64(k)
