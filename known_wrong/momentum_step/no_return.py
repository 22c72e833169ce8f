"""Computes the result but never returns it."""

import numpy as np

DIAGNOSIS = 'forget a `return`'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = beta * velocity - lr * grad
    theta + new_v
