# file: tuning.py
# exercise: steps_to_converge
# finding: Only the calls that leave out arguments (relying on the defaults) fail
"""tol=1e-8 as the default in the def line."""

def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-8, max_steps=1000):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta)
    for k in range(max_steps + 1):
        g = grad_fn(theta)
        if np.linalg.norm(g) <= tol:
            return k
        v = beta * v - lr * g; theta = theta + v
    return None
