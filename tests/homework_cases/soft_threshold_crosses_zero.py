# exercise: hw1-soft-threshold
# mistake: every weight moved by t towards 0, small ones cross it instead of stopping at 0
# hint: must land exactly on 0
def soft_threshold(w, t):
    return w - t * np.sign(w)
