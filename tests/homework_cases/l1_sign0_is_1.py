# exercise: hw1-l1-penalty
# mistake: L1 subgradient with sign(0) = 1
# hint: sign(0) = 0
def l1_penalty(w, lam):
    sign = np.where(w >= 0, 1.0, -1.0)
    return float(lam * np.sum(np.abs(w))), lam * sign
