# exercise: hw2-corrupt-labels
# mistake: a corrupted label is always changed to another class (Zhang et al. draw from all classes)
def corrupt_labels(y, fraction, n_classes, rng):
    redraw = rng.random(len(y)) < fraction
    new = (y + rng.integers(1, n_classes, size=len(y))) % n_classes
    return np.where(redraw, new, y)
