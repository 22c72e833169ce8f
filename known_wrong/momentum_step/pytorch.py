"""PyTorch's convention: buf = β·buf + g; θ −= lr·buf."""

import numpy as np

DIAGNOSIS = '−1/α'


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    buf = beta * velocity + grad
    return theta - lr * buf, buf
