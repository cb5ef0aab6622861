# exercise: hw2-corrupt-labels
# mistake: ten classes hard-coded
def corrupt_labels(y, fraction, n_classes, rng):
    redraw = rng.random(len(y)) < fraction
    new = rng.integers(0, 10, size=len(y))
    return np.where(redraw, new, y)
