# exercise: hw2-mc-predict
# mistake: divides by 1 − p (the drop probability): the same only at p = 0.5
def mc_predict_proba(X, params, p, k, rng):
    hidden = np.maximum(0, X @ params["W1"] + params["b1"])
    total = 0
    for _ in range(k):
        U = (rng.random(hidden.shape) < p) / (1 - p)
        total = total + softmax((hidden * U) @ params["W2"] + params["b2"])
    return total / k
