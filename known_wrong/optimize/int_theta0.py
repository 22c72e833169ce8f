"""Keeps an integer theta0 as integers, and hands them to grad_fn."""

import numpy as np

DIAGNOSIS = 'grad_fn expects a 1-D float numpy array, got an array of int64'


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.copy(theta0)
    v = np.zeros(theta.shape)
    rows = [theta]
    for _ in range(steps):
        if momentum:
            theta, v = momentum_step(theta, v, grad_fn(theta), lr, beta)
        else:
            theta = theta - lr * grad_fn(theta)
        rows.append(theta)
    return np.array(rows)
