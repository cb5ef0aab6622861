# exercise: hw2-shift
# mistake: assumes the shift is smaller than the image (no guard for |dx| >= w or |dy| >= h)
def shift_images(images, dx, dy):
    n, h, w = images.shape
    out = np.zeros_like(images)
    out[:, max(0, dy):h - max(0, -dy), max(0, dx):w - max(0, -dx)] = \
        images[:, max(0, -dy):h - max(0, dy), max(0, -dx):w - max(0, dx)]
    return out
