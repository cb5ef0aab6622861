# exercise: hw2-inverted-forward
# mistake: inverted dropout divided by p at test time too
# hint: the test pass is H itself
def inverted_dropout_forward(H, p, rng, train=True):
    if not train:
        return H / p, None
    U = (rng.random(H.shape) < p) / p
    return H * U, U
