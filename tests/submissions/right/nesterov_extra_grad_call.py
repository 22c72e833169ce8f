# file: nesterov.py
# exercise: nesterov_step
"""An unused grad_fn call at theta, and g *= lr on the returned gradient."""

def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    theta = np.asarray(theta, dtype=float); v = np.asarray(velocity, dtype=float)
    here = grad_fn(theta)   # not used, looked at while debugging
    g = grad_fn(theta + beta * v)
    g *= lr
    nv = beta * v - g
    return theta + nv, nv
