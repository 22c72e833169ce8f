# file: momentum.py
# exercise: momentum_step
"""np.multiply / np.subtract / np.add writing into fresh arrays with out=."""

def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    v = np.empty(np.shape(theta))
    np.multiply(beta, velocity, out=v)
    np.subtract(v, np.multiply(lr, grad), out=v)
    t = np.add(theta, v, out=np.empty(np.shape(theta)))
    return t, v
