# file: momentum.py
# exercise: momentum_step
"""Returns a list [theta', v'] of Python lists, built element by element."""


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_v = [beta * v - lr * g for v, g in zip(velocity, grad)]
    return [[t + v for t, v in zip(theta, new_v)], new_v]
