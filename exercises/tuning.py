"""Exercise 4: choosing β by counting steps to converge.

How much momentum is right? Too little and you crawl along the valley floor like plain
gradient descent; too much and the velocity carries you past the minimum again and again, so
you spiral in slowly. Count the steps to find out.

Use any of your functions from momentum.py if you like (`from momentum import momentum_step`).
"""

import numpy as np  # noqa: F401 - your code will use it


def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    """Count the momentum steps needed until the gradient is small.

    Run classical momentum (v starts at zero; v ← βv − α∇f(θ); θ ← θ + v) from theta0 and
    return the smallest k such that ‖∇f(θ_k)‖ ≤ tol, where θ_k is theta after k steps and
    ‖·‖ is the Euclidean norm (np.linalg.norm). Return 0 if theta0 already satisfies it, and
    None if no k ≤ max_steps does.

    Args:
        grad_fn: function taking a 1-D float numpy array and returning its gradient.
        theta0: starting point, shape (d,). Must not be modified.
        lr, beta: as in momentum_step.
        tol: gradient-norm tolerance.
        max_steps: give up after this many steps.

    Returns:
        An int k, or None.

    Example (the ravine ½(4x² + y²) from (2, 2), lr = 0.1):
        beta = 0.0 (plain gradient descent) needs 138 steps, beta = 0.5 needs 44,
        beta = 0.9 needs 269, and beta = 0.99 needs more than 1000 (returns None).
    """
    # TODO: loop, checking the gradient norm *before* each step.
    raise NotImplementedError("steps_to_converge is not implemented yet")
