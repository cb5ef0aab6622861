# exercise: hw2-shift
# mistake: np.roll: pixels that leave on one side come back on the other
# hint: does not wrap around
def shift_images(images, dx, dy):
    return np.roll(images, (dy, dx), axis=(1, 2))
