# exercise: hw1-regularized-loss
# mistake: the biases are penalized too
# hint: the biases are not penalized
def regularized_loss(X, y, params, lam):
    hidden = np.maximum(0, X @ params["W1"] + params["b1"])
    scores = hidden @ params["W2"] + params["b2"]
    penalty = 0.5 * lam * sum(np.sum(v ** 2) for v in params.values())
    return cross_entropy(scores, y) + float(penalty)
