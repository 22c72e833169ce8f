# file: nesterov.py
# exercise: nesterov_step
"""The look-ahead and velocity built with out= into fresh zero arrays."""

def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    theta = np.asarray(theta, dtype=float)
    ahead = np.multiply(beta, velocity, out=np.zeros(theta.shape))
    ahead += theta
    nv = np.multiply(beta, velocity, out=np.zeros(theta.shape))
    nv -= lr * grad_fn(ahead)
    return np.add(theta, nv), nv
