# file: momentum.py
# exercise: optimize
"""Grows the trajectory with np.vstack and prints as it goes; never calls momentum_step."""


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.asarray(theta0, dtype=float).copy()
    v = np.zeros(theta.shape)
    traj = theta.reshape(1, -1)
    for k in range(steps):
        v = beta * v - lr * grad_fn(theta) if momentum else -lr * grad_fn(theta)
        theta = theta + v
        print(f"step {k}: {theta}")
        traj = np.vstack([traj, theta])
    return traj
