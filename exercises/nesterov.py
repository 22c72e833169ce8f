"""Exercise 3: Nesterov's accelerated gradient.

Classical momentum measures the gradient where you stand and then adds the velocity.
Nesterov's method first looks ahead to where the velocity is about to carry you, and measures
the gradient there:

    v ← β v − α ∇f(θ + β v)
    θ ← θ + v

Same velocity convention as `momentum_step` in momentum.py; the only change is *where* the
gradient is evaluated. The look-ahead lets the method correct itself before it overshoots.
"""

import numpy as np  # noqa: F401 - your code will use it


def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    """One step of Nesterov's accelerated gradient.

    v' = beta * v - lr * grad_fn(theta + beta * v)
    theta' = theta + v'

    Args:
        theta: current parameters, shape (d,).
        velocity: current velocity v, shape (d,).
        grad_fn: function taking a 1-D float numpy array and returning the gradient there.
        lr: learning rate α.
        beta: momentum coefficient β.

    Returns:
        (theta', v'), both shape (d,). Must not modify its arguments.

    Example (ravine gradient (4x, y), from (2, 2) with velocity (-0.8, -0.2)):
        the look-ahead point is (2, 2) + 0.9 * (-0.8, -0.2) = (1.28, 1.82), whose gradient is
        (5.12, 1.82), so v' = (-1.232, -0.362) and theta' = (0.768, 1.638).
    """
    # TODO: evaluate the gradient at the look-ahead point theta + beta * velocity.
    raise NotImplementedError("nesterov_step is not implemented yet")
