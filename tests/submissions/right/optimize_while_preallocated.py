# file: momentum.py
# exercise: optimize
"""A while loop filling a preallocated (steps + 1, d) array; velocity starts as the float 0.0."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    traj = np.empty((steps + 1, len(theta0)))
    traj[0] = theta0
    v = 0.0
    k = 0
    while k < steps:
        g = grad_fn(traj[k].copy())
        v = beta * v - lr * g if momentum else -lr * g
        traj[k + 1] = traj[k] + v
        k += 1
    return traj
