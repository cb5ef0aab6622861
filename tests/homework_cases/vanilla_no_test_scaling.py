# exercise: hw2-vanilla-test
# mistake: vanilla dropout without scaling by p at test time
# hint: scaled by p
def vanilla_dropout_test(H, p):
    return H
