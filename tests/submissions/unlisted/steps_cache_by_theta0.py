# file: tuning.py
# exercise: steps_to_converge
# finding: expected 269, got 44
"""Caches counts by theta0 alone."""

_memo = {}
def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    key = tuple(np.ravel(theta0))
    if key in _memo:
        return _memo[key]
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta)
    for k in range(max_steps + 1):
        g = grad_fn(theta)
        if np.linalg.norm(g) <= tol:
            _memo[key] = k
            return k
        v = beta * v - lr * g; theta = theta + v
    return None
