# exercise: hw2-vanilla-test
# mistake: p = 0.8 hard-coded
def vanilla_dropout_test(H, p):
    return H * 0.8
