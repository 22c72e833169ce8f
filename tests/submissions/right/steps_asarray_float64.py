# file: tuning.py
# exercise: steps_to_converge
"""np.asarray with float64 (no copy of a float theta0, but never written to); a float count."""


def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    theta = np.asarray(theta0, dtype=np.float64)
    v = np.zeros(theta.shape)
    for k in range(max_steps + 1):
        g = grad_fn(theta)
        if np.linalg.norm(g) <= tol:
            return float(k)
        v = beta * v - lr * g
        theta = theta + v
    return None
