# exercise: hw1-sgd-step
# mistake: changes w in place (the check cell passes a copy, so it does not notice)
def sgd_step_l2(w, grad_L, lr, lam):
    w -= lr * (grad_L + lam * w)
    return w


def sgd_step_weight_decay(w, grad_L, lr, lam):
    w *= 1 - lr * lam
    w -= lr * grad_L
    return w
