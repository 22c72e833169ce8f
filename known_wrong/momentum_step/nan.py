"""Produces NaN and inf."""

import numpy as np

DIAGNOSIS = 'NaN or inf'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = beta * velocity - lr * grad
    return theta + new_v / (theta - theta), new_v
