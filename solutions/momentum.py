"""Reference solution for exercises/momentum.py (instructors only)."""

import numpy as np


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    """One step of classical momentum: v' = beta*v - lr*grad; theta' = theta + v'.

    Returns (theta', v'). Must not modify its arguments.
    """
    # np.asarray(..., dtype=float) accepts lists and ints; arithmetic below makes new arrays,
    # so the caller's arrays are never written to.
    theta = np.asarray(theta, dtype=float)
    velocity = np.asarray(velocity, dtype=float)
    grad = np.asarray(grad, dtype=float)
    new_velocity = beta * velocity - lr * grad
    # Move by the *new* velocity: using the old one is the classic off-by-one-step bug.
    return theta + new_velocity, new_velocity


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    """Run `steps` iterations from theta0; returns the trajectory, shape (steps + 1, d)."""
    # A float copy: the caller's theta0 stays untouched, and integer starts do not truncate.
    theta = np.array(theta0, dtype=float)
    velocity = np.zeros_like(theta)  # velocity starts at rest
    trajectory = [theta]
    for _ in range(steps):
        grad = np.asarray(grad_fn(theta), dtype=float)
        if momentum:
            theta, velocity = momentum_step(theta, velocity, grad, lr, beta)
        else:
            theta = theta - lr * grad
        # Each row is a fresh array (no `+=`), so rows never alias one another.
        trajectory.append(theta)
    return np.stack(trajectory)
