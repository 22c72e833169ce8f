# file: tuning.py
# exercise: steps_to_converge
# finding: max_steps − 1: one fewer than passed
"""while norm > tol and k < max_steps, then None when k reached max_steps."""

def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); k = 0
    g = grad_fn(theta)
    while np.linalg.norm(g) > tol and k < max_steps:
        v = beta * v - lr * g; theta = theta + v; k += 1
        g = grad_fn(theta)
    return k if k < max_steps else None
