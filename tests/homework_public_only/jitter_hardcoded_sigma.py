# exercise: hw2-jitter
# mistake: σ = 0.1 hard-coded
def jitter(X, y, sigma, rng):
    return X + 0.1 * rng.standard_normal(X.shape), y
