# file: momentum.py
# exercise: momentum_step
"""In-place arithmetic (*=, -=, +=) on float copies of the arguments."""

def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    v = np.array(velocity, dtype=float)
    v *= beta
    v -= lr * np.asarray(grad)
    t = np.array(theta, dtype=float)
    t += v
    return t, v
