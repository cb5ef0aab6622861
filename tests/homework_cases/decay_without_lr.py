# exercise: hw1-sgd-step
# mistake: weight decay applied as (1 − λ)w, without η
# hint: the learning rate multiplies λ too
def sgd_step_l2(w, grad_L, lr, lam):
    return w - lr * (grad_L + lam * w)


def sgd_step_weight_decay(w, grad_L, lr, lam):
    return (1 - lam) * w - lr * grad_L
