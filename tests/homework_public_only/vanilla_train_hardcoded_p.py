# exercise: hw2-vanilla-train
# mistake: p = 0.8 hard-coded
def vanilla_dropout_train(H, p, rng):
    U = rng.random(H.shape) < 0.8
    return H * U, U
