# file: momentum.py
# exercise: momentum_step
# finding: Every failing answer is the right answer to another of these calls
"""Caches answers by the arrays, ignoring lr and beta."""

_seen = {}
def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    key = (tuple(np.ravel(theta)), tuple(np.ravel(velocity)), tuple(np.ravel(grad)))
    if key not in _seen:
        v = beta * np.asarray(velocity, dtype=float) - lr * np.asarray(grad, dtype=float)
        _seen[key] = (np.asarray(theta, dtype=float) + v, v)
    return _seen[key]
