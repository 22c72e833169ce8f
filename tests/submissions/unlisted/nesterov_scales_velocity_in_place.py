# file: nesterov.py
# exercise: nesterov_step
# finding: changed its argument `velocity` in place
"""velocity *= beta on the caller's array."""

def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    theta = np.asarray(theta, dtype=float)
    velocity *= beta
    nv = velocity - lr * grad_fn(theta + velocity)
    return theta + nv, nv
