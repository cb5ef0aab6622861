# exercise: hw2-inverted-backward
# mistake: backward without the mask
# hint: multiply by the mask
def inverted_dropout_backward(dout, U):
    return dout
