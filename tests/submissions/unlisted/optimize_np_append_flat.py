# file: momentum.py
# exercise: optimize
# finding: the right numbers in the wrong shape
"""np.append flattens: the trajectory is 1-D."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float); v = np.zeros_like(theta); traj = theta.copy()
    for _ in range(steps):
        g = grad_fn(theta)
        v = beta * v - lr * g if momentum else -lr * g
        theta = theta + v
        traj = np.append(traj, theta)
    return traj
