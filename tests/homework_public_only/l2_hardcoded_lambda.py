# exercise: hw1-l2-penalty
# mistake: λ = 0.1 hard-coded (the check cell's value)
def l2_penalty(w, lam):
    return float(0.05 * np.sum(w * w)), 0.1 * w
