# file: momentum.py
# exercise: optimize
# finding: lr replaced by lr·(1 − beta)
"""The deep-learning course's averaged momentum: m ← βm + (1 − β)g, θ ← θ − αm."""

def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float)
    m = np.zeros_like(theta)
    rows = [theta]
    for _ in range(steps):
        g = grad_fn(theta)
        if momentum:
            m = beta * m + (1 - beta) * g  # the exponential average from the deep-learning course
            theta = theta - lr * m
        else:
            theta = theta - lr * g
        rows.append(theta)
    return np.array(rows)
