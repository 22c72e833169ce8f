"""PyTorch's rewrite of Nesterov: gradient at theta, theta' = theta + beta*v' - lr*g."""

import numpy as np

DIAGNOSIS = "PyTorch's form of Nesterov"


def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    theta = np.asarray(theta, dtype=float)
    g = grad_fn(theta)
    new_v = beta * velocity - lr * g
    return theta + beta * new_v - lr * g, new_v
