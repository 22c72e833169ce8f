# file: momentum.py
# exercise: momentum_step
"""dtype=object arrays of Python floats: the numbers are right."""

def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    v = beta * np.array(velocity, dtype=object) - lr * np.array(grad, dtype=object)
    return np.array(theta, dtype=object) + v, v
