# file: nesterov.py
# exercise: nesterov_step
"""Python floats in lists, returning a pair of tuples."""

def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    th = [float(t) for t in theta]; v = [float(x) for x in velocity]
    ahead = np.array([t + beta * x for t, x in zip(th, v)])
    g = grad_fn(ahead)
    nv = [beta * x - lr * gi for x, gi in zip(v, g)]
    return tuple(t + x for t, x in zip(th, nv)), tuple(nv)
