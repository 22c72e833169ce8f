# file: tuning.py
# exercise: steps_to_converge
"""A float counter in a while loop: returns 44.0."""

def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); k = 0.0
    while k <= max_steps:
        g = grad_fn(theta)
        if np.linalg.norm(g) <= tol:
            return k
        v = beta * v - lr * g; theta = theta + v; k += 1.0
    return None
