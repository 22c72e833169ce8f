# file: momentum.py
# exercise: momentum_step
"""functools.reduce over the two terms."""

import functools, operator
def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    v = functools.reduce(operator.add, [beta * np.asarray(velocity, dtype=float), -lr * np.asarray(grad, dtype=float)])
    return functools.reduce(np.add, [np.asarray(theta, dtype=float), v]), v
