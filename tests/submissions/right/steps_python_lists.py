# file: tuning.py
# exercise: steps_to_converge
"""Python lists and a hand-written norm in a while loop."""

def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    theta = [float(x) for x in theta0]; v = [0.0] * len(theta)
    k = 0
    while k <= max_steps:
        g = grad_fn(np.array(theta))
        if sum(x * x for x in g) ** 0.5 <= tol:
            return k
        v = [beta * a - lr * b for a, b in zip(v, g)]
        theta = [a + b for a, b in zip(theta, v)]
        k += 1
