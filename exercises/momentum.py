"""Exercise 1 and 2: gradient descent with classical momentum.

Fill in the two functions below, then run `grader check` to see how you are doing.
`grader hint momentum_step` gives a hint; ask again for the next one.

Plain gradient descent takes a step against the gradient:

    θ ← θ − α ∇f(θ)

Momentum keeps a velocity v that remembers earlier steps (v starts at zero):

    v ← β v − α ∇f(θ)
    θ ← θ + v

α (`lr`) is the learning rate and β (`beta`, usually 0.5–0.99) says how much of the old
velocity survives each step. Along a direction where the gradient keeps the same sign the
velocity builds up; across a steep valley, where the gradient flips sign every step, the
contributions cancel and the zig-zag is damped.

Everything works on 1-D numpy arrays of any length d (the examples use d = 2).
"""

import numpy as np  # noqa: F401 - your code will use it


def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    """One step of classical momentum.

    v' = beta * v - lr * grad
    theta' = theta + v'

    Args:
        theta: current parameters, shape (d,).
        velocity: current velocity v, shape (d,).
        grad: the gradient ∇f(theta), shape (d,).
        lr: learning rate α.
        beta: momentum coefficient β.

    Returns:
        (theta', v'): the new parameters and the new velocity, both shape (d,).
        Must not modify its arguments.

    Example (the ravine f = ½(4x² + y²), whose gradient at (2, 2) is (8, 2)):
        >>> momentum_step(np.array([2.0, 2.0]), np.zeros(2), np.array([8.0, 2.0]))
        (array([1.2, 1.8]), array([-0.8, -0.2]))
    """
    # TODO: compute the new velocity first, then move theta by it.
    raise NotImplementedError("momentum_step is not implemented yet")


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    """Run `steps` iterations of gradient descent, with or without momentum.

    momentum=False: theta_{k+1} = theta_k - lr * grad_fn(theta_k)
    momentum=True:  v_{k+1} = beta * v_k - lr * grad_fn(theta_k);  theta_{k+1} = theta_k + v_{k+1}
                    with v_0 = 0.

    Args:
        grad_fn: function taking a 1-D float numpy array theta and returning its gradient.
        theta0: starting point, shape (d,).
        lr: learning rate α.
        steps: how many updates to make (0 is allowed).
        momentum: use classical momentum when True, plain gradient descent when False.
        beta: momentum coefficient β (ignored when momentum is False).

    Returns:
        The trajectory as an array of shape (steps + 1, d): row 0 is theta0, row k is theta
        after k updates. Must not modify theta0.

    Example (ravine gradient (4x, y), from (2, 2), two steps of plain gradient descent):
        >>> optimize(lambda t: np.array([4 * t[0], t[1]]), np.array([2.0, 2.0]), steps=2)
        array([[2.  , 2.  ],
               [1.2 , 1.8 ],
               [0.72, 1.62]])
    """
    # TODO: start from a float copy of theta0, keep every theta in a list, and stack them.
    raise NotImplementedError("optimize is not implemented yet")
