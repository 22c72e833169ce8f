# file: tuning.py
# exercise: steps_to_converge
"""Runs optimize for max_steps and scans the trajectory."""

from momentum import optimize
def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    traj = optimize(grad_fn, theta0, lr, max_steps, True, beta)
    for k, theta in enumerate(traj):
        if np.linalg.norm(grad_fn(theta)) <= tol:
            return k
    return None
