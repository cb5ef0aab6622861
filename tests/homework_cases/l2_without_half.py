# exercise: hw1-l2-penalty
# mistake: L2 without the ½: value λ‖w‖², gradient 2λw
# hint: is the ½ missing?
def l2_penalty(w, lam):
    return float(lam * np.sum(w * w)), 2 * lam * w
