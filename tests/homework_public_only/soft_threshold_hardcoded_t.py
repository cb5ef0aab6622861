# exercise: hw1-soft-threshold
# mistake: the threshold 0.25 hard-coded
def soft_threshold(w, t):
    return np.sign(w) * np.maximum(np.abs(w) - 0.25, 0)
