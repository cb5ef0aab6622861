# exercise: hw2-vanilla-train
# mistake: mask rand > p: the drop probability used as the keep probability
# hint: rand > p keeps it with 1 − p
def vanilla_dropout_train(H, p, rng):
    U = rng.random(H.shape) > p
    return H * U, U
