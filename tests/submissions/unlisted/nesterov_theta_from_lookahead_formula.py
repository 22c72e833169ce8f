# file: nesterov.py
# exercise: nesterov_step
# finding: velocity' is right every time; only theta' differs
"""theta' = theta + beta v' - lr g: mixes PyTorch's update into the course's."""

def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    theta = np.asarray(theta, dtype=float); v = np.asarray(velocity, dtype=float)
    g = grad_fn(theta + beta * v)
    nv = beta * v - lr * g
    return theta + beta * nv - lr * g, nv
