# exercise: hw2-inverted-backward
# mistake: float64 arithmetic whatever the input (float32 in, float64 out)
def inverted_dropout_backward(dout, U):
    return np.asarray(dout, dtype=np.float64) * np.asarray(U, dtype=np.float64)
