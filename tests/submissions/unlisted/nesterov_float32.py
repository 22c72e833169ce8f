# file: nesterov.py
# exercise: nesterov_step
# finding: precision of float32
"""Works in float32."""

def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    theta = np.asarray(theta, dtype=np.float32); v = np.asarray(velocity, dtype=np.float32)
    nv = beta * v - lr * grad_fn(theta + beta * v)
    return theta + nv, nv
