# file: tuning.py
# exercise: steps_to_converge
"""Python lists and math.sqrt; numpy only to call grad_fn."""

import math


def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    theta = [float(x) for x in theta0]
    v = [0.0 for _ in theta]
    k = 0
    while True:
        g = [float(x) for x in grad_fn(np.array(theta))]
        if math.sqrt(sum(x * x for x in g)) <= tol:
            return k
        if k == max_steps:
            return None
        v = [beta * vi - lr * gi for vi, gi in zip(v, g)]
        theta = [t + vi for t, vi in zip(theta, v)]
        k += 1
