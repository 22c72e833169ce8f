# file: momentum.py
# exercise: momentum_step
"""A different order of floating-point operations is still right."""


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    theta = np.array(theta, dtype=float)
    new_v = -(lr * grad) + velocity * beta
    print("velocity", new_v)
    return (new_v + theta, new_v)
