# file: nesterov.py
# exercise: nesterov_step
# finding: Every failing answer is the right answer to another of these calls
"""Caches answers by (theta, velocity), ignoring grad_fn, lr and beta."""

_seen = {}
def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    key = (tuple(np.ravel(theta)), tuple(np.ravel(velocity)))
    if key not in _seen:
        theta = np.asarray(theta, dtype=float); v = np.asarray(velocity, dtype=float)
        nv = beta * v - lr * grad_fn(theta + beta * v)
        _seen[key] = (theta + nv, nv)
    return _seen[key]
