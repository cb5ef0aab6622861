# exercise: hw1-l2-penalty
# mistake: computes in float32 whatever the input (the gradient comes back float32)
def l2_penalty(w, lam):
    w32 = np.asarray(w, dtype=np.float32)
    return float(0.5 * lam * np.sum(w32 * w32)), np.float32(lam) * w32
