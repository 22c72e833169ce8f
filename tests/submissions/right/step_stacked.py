# file: momentum.py
# exercise: momentum_step
"""Returns one (2, d) array: row 0 is theta', row 1 is velocity'."""


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = np.multiply(beta, velocity) - np.multiply(lr, grad)
    return np.stack([np.add(theta, new_v), new_v])
