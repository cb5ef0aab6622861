# exercise: hw2-shift
# mistake: assumes square images (uses the height for the width)
def shift_images(images, dx, dy):
    n, h, _ = images.shape
    w = h
    out = np.zeros_like(images)
    if abs(dx) >= w or abs(dy) >= h:
        return out
    out[:, max(0, dy):h - max(0, -dy), max(0, dx):w - max(0, -dx)] = \
        images[:, max(0, -dy):h - max(0, dy), max(0, -dx):w - max(0, dx)]
    return out
