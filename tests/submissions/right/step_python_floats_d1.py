# file: momentum.py
# exercise: momentum_step
"""For d = 1, Python floats in one-element lists."""

def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    if len(theta) == 1:
        v = beta * float(velocity[0]) - lr * float(grad[0])
        return [float(theta[0]) + v], [v]
    v = beta * np.asarray(velocity, dtype=float) - lr * np.asarray(grad, dtype=float)
    return np.asarray(theta, dtype=float) + v, v
