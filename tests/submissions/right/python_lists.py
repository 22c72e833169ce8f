# file: momentum.py
# exercise: optimize
"""Plain Python lists and loops over coordinates, returning a list of lists."""


def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = [float(x) for x in theta0]
    velocity = [0.0] * len(theta)
    rows = [list(theta)]
    for _ in range(steps):
        grad = list(grad_fn(np.array(theta)))
        for i in range(len(theta)):
            if momentum:
                velocity[i] = beta * velocity[i] - lr * grad[i]
                theta[i] = theta[i] + velocity[i]
            else:
                theta[i] = theta[i] - lr * grad[i]
        rows.append(list(theta))
    return rows
