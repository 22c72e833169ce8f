# file: nesterov.py
# exercise: nesterov_step
# finding: the gradient taken at θ + c·v with c = lr
"""The look-ahead scaled by lr instead of beta: theta + lr * v."""

def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    theta = np.asarray(theta, dtype=float); v = np.asarray(velocity, dtype=float)
    nv = beta * v - lr * grad_fn(theta + lr * v)
    return theta + nv, nv
