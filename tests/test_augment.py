"""Augmentation: flips, shifts (zero fill, no wrap-around), random shifts, jitter, and the fit hooks
(which keep the labels)."""
import numpy as np
import pytest

import regutils as ru


def rng(seed=0):
    return np.random.default_rng(seed)


def images(n=5, seed=0):
    return rng(seed).random((n, 8, 8))


def one_pixel(i, j):
    img = np.zeros((1, 8, 8))
    img[0, i, j] = 1.0
    return img


def reference_shift(img, dx, dy):
    """Independent shift: pad with zeros, then cut the window (a pixel at (i, j) goes to
    (i + dy, j + dx))."""
    h, w = img.shape[-2:]
    pad = max(h, w)
    big = np.pad(img, ((0, 0), (pad, pad), (pad, pad)))
    return big[:, pad - dy:pad - dy + h, pad - dx:pad - dx + w]


# -- flips -------------------------------------------------------------------------------------
@pytest.mark.parametrize("flip", [ru.flip_horizontal, ru.flip_vertical])
def test_flips_are_involutions_on_images_and_rows(flip):
    X = images()
    np.testing.assert_array_equal(flip(flip(X)), X)
    assert not np.array_equal(flip(X), X)
    rows = X.reshape(5, 64)
    assert flip(rows).shape == (5, 64)
    np.testing.assert_array_equal(flip(rows), flip(X).reshape(5, 64))
    np.testing.assert_array_equal(flip(flip(rows)), rows)


def test_flips_mirror_the_right_axis():
    img = one_pixel(1, 2)  # row 1, column 2
    np.testing.assert_array_equal(ru.flip_horizontal(img), one_pixel(1, 5))  # left ↔ right
    np.testing.assert_array_equal(ru.flip_vertical(img), one_pixel(6, 2))  # top ↔ bottom
    X = images()
    for i in range(8):
        for j in range(8):
            np.testing.assert_array_equal(ru.flip_horizontal(X)[:, i, j], X[:, i, 7 - j])
            np.testing.assert_array_equal(ru.flip_vertical(X)[:, i, j], X[:, 7 - i, j])


# -- shift -------------------------------------------------------------------------------------
def test_shift_moves_a_pixel_right_and_down():
    np.testing.assert_array_equal(ru.shift(one_pixel(3, 4), dx=2, dy=1), one_pixel(4, 6))
    np.testing.assert_array_equal(ru.shift(one_pixel(3, 4), dx=-3, dy=-2), one_pixel(1, 1))


def test_shift_fills_with_zero_and_does_not_wrap_around():
    # a pixel on the right edge moved right leaves the image (np.roll would bring it back on the left)
    np.testing.assert_array_equal(ru.shift(one_pixel(2, 7), dx=1, dy=0), np.zeros((1, 8, 8)))
    np.testing.assert_array_equal(ru.shift(one_pixel(0, 3), dx=0, dy=-1), np.zeros((1, 8, 8)))
    full = np.ones((1, 8, 8))
    out = ru.shift(full, dx=2, dy=-1)
    assert np.all(out[0, :, :2] == 0) and np.all(out[0, 7, :] == 0)  # vacated columns/rows
    assert out.sum() == 6 * 7
    np.testing.assert_array_equal(ru.shift(full, dx=8, dy=0), 0 * full)
    np.testing.assert_array_equal(ru.shift(full, dx=0, dy=-9), 0 * full)


def test_shift_matches_an_independent_implementation():
    X = images(4, seed=1)
    for dx in range(-3, 4):
        for dy in range(-3, 4):
            np.testing.assert_array_equal(ru.shift(X, dx, dy), reference_shift(X, dx, dy))
    rows = X.reshape(4, 64)
    np.testing.assert_array_equal(ru.shift(rows, 1, -2), reference_shift(X, 1, -2).reshape(4, 64))
    np.testing.assert_array_equal(ru.shift(X, 0, 0), X)


def test_random_shift_stays_within_max_shift():
    X = images(200, seed=2) + 0.01  # no zero pixels, so the shift can be identified
    max_shift = 2
    out = ru.random_shift(X, rng(3), max_shift=max_shift)
    used = []
    for x, o in zip(X, out):
        matches = [(dx, dy) for dx in range(-4, 5) for dy in range(-4, 5)
                   if np.array_equal(reference_shift(x[None], dx, dy)[0], o)]
        assert len(matches) == 1
        used.append(matches[0])
    assert all(abs(dx) <= max_shift and abs(dy) <= max_shift for dx, dy in used)
    assert len(set(used)) == (2 * max_shift + 1) ** 2  # 200 draws hit all 25 shifts
    np.testing.assert_array_equal(ru.random_shift(X, rng(3), max_shift=0), X)
    np.testing.assert_array_equal(out, ru.random_shift(X, rng(3), max_shift=max_shift))
    flat = ru.random_shift(X.reshape(200, 64), rng(3), max_shift=max_shift)
    np.testing.assert_array_equal(flat, out.reshape(200, 64))


# -- jitter ------------------------------------------------------------------------------------
@pytest.mark.parametrize("sigma", [0.05, 0.3])
def test_jitter_has_the_right_sigma(sigma):
    X = rng(4).random((300, 64))
    r = rng(5)
    noise = ru.jitter(X, r, sigma) - X
    assert noise.std() == pytest.approx(sigma, rel=0.02)  # 19,200 draws: rel. std ≈ 0.005
    assert abs(noise.mean()) < 4 * sigma / np.sqrt(noise.size)
    assert not np.array_equal(ru.jitter(X, r, sigma), ru.jitter(X, r, sigma))  # fresh each call
    np.testing.assert_array_equal(ru.jitter(X, rng(6), 0.0), X)


def test_jitter_keeps_float32():
    X = rng(7).random((4, 64)).astype(np.float32)
    assert ru.jitter(X, rng(8), 0.1).dtype == np.float32


# -- hooks for fit -----------------------------------------------------------------------------
@pytest.mark.parametrize("hook", [ru.RandomShift(1), ru.RandomFlip("horizontal"),
                                  ru.RandomFlip("vertical"), ru.Jitter(0.1)])
def test_hooks_keep_labels_and_shape_and_draw_fresh(hook):
    X = rng(9).random((40, 64)) + 0.01
    X_before = X.copy()
    y = np.arange(40) % 10
    r = rng(10)
    X1, y1 = hook(X, y, r)
    X2, y2 = hook(X, y, r)
    np.testing.assert_array_equal(y1, y)
    np.testing.assert_array_equal(y2, y)
    assert X1.shape == X.shape
    assert not np.array_equal(X1, X) and not np.array_equal(X1, X2)
    np.testing.assert_array_equal(X, X_before)  # the training set itself is not modified


def test_random_flip_flips_about_half_of_the_images():
    X = rng(11).random((400, 64))
    out, _ = ru.RandomFlip("horizontal")(X, np.zeros(400, int), rng(12))
    flipped = np.all(out == ru.flip_horizontal(X), axis=1)
    kept = np.all(out == X, axis=1)
    assert np.all(flipped | kept)
    assert np.mean(flipped) == pytest.approx(0.5, abs=0.1)


def test_hooks_in_fit_train_on_digits():
    d = ru.load_digits()
    X, y = d.X[:300], d.y[:300]
    for hook in (ru.RandomShift(1), ru.Jitter(0.05)):
        net = ru.MLP([64, 32, 10], seed=0)
        h = ru.fit(net, ru.SGD(lr=0.1, momentum=0.9), X, y, epochs=20, batch_size=50, augment=hook)
        assert h["train_acc"][-1] > 0.85, (hook, h["train_acc"][-1])  # measured 0.93 and 1.0


def test_hook_reprs():
    assert repr(ru.RandomShift(2)) == "RandomShift(max_shift=2)"
    assert "vertical" in repr(ru.RandomFlip("vertical"))
    assert "0.1" in repr(ru.Jitter(0.1))


# -- rotations, crops, affine maps, elastic distortions ------------------------------------------
def test_rotate_by_0_and_90_degrees():
    X = images()
    np.testing.assert_allclose(ru.augment.rotate(X, 0.0), X, atol=1e-12)
    np.testing.assert_allclose(ru.augment.rotate(X, 90.0), np.rot90(X, axes=(1, 2)), atol=1e-12)
    np.testing.assert_allclose(ru.augment.rotate(X, -90.0), np.rot90(X, -1, axes=(1, 2)), atol=1e-12)
    # one angle per image, on flat rows too
    rows = ru.augment.rotate(X.reshape(5, 64), np.array([0.0, 90.0, 0.0, 90.0, 180.0]))
    np.testing.assert_allclose(rows.reshape(5, 8, 8)[1], np.rot90(X[1]), atol=1e-12)
    np.testing.assert_allclose(rows.reshape(5, 8, 8)[4], np.rot90(X[4], 2), atol=1e-12)


def test_small_rotation_moves_mass_counterclockwise():
    img = one_pixel(0, 4)           # near the top edge, right of the centre line
    out = ru.augment.rotate(img, 20.0)[0]
    r, c = np.unravel_index(np.argmax(out), out.shape)
    assert c < 4 and r >= 0          # counterclockwise: the top moves to the left
    assert out.sum() == pytest.approx(1.0, abs=0.05)  # bilinear keeps the mass of an inner pixel


def test_affine_translation_by_whole_pixels_is_shift():
    X = images()
    A = np.eye(2)
    # the output at q reads the input at q + t: content moves by −t
    np.testing.assert_allclose(ru.augment.affine(X, A, (1.0, 0.0)), ru.shift(X, 0, -1), atol=1e-12)
    np.testing.assert_allclose(ru.augment.affine(X, A, (0.0, -2.0)), ru.shift(X, 2, 0), atol=1e-12)
    # half a pixel: the average of the two neighbours
    half = ru.augment.affine(X, A, (0.0, 0.5))
    np.testing.assert_allclose(half[:, :, :7], (X[:, :, :7] + X[:, :, 1:]) / 2, atol=1e-12)
    np.testing.assert_allclose(half[:, :, 7], X[:, :, 7] / 2, atol=1e-12)


def test_crop_resize_full_window_is_identity_and_windows_zoom_in():
    X = images()
    np.testing.assert_allclose(ru.augment.crop_resize(X, 0, 0, 8), X, atol=1e-12)
    # a 4×4 window stretched to 8×8: its corner pixels land on the output corners
    out = ru.augment.crop_resize(X, 2, 3, 4)
    assert out.shape == X.shape
    lo, hi = X[:, 2:6, 3:7].min(), X[:, 2:6, 3:7].max()
    assert out.min() >= lo - 1e-12 and out.max() <= hi + 1e-12   # only values of the window
    with pytest.raises(ValueError, match="top and left"):
        ru.augment.crop_resize(X, 5, 0, 4)
    with pytest.raises(ValueError, match="size"):
        ru.augment.crop_resize(X, 0, 0, 9)


def test_elastic_displacement_has_the_asked_size_and_zero_alpha_is_identity():
    X = images(50)
    np.testing.assert_allclose(ru.augment.elastic(X, rng(1), alpha=0.0), X, atol=1e-12)
    # a linear ramp image reads back its displacement: out − X = field along columns
    ramp = np.tile(np.arange(8.0), (200, 8, 1))
    moved = ru.augment.elastic(ramp, rng(2), alpha=0.5, sigma=1.5)
    inner = (moved - ramp)[:, 2:6, 2:6]
    assert 0.2 < np.sqrt(np.mean(inner**2)) < 0.6   # rms of the column part ≈ 0.5/√2
    a, b = ru.augment.elastic(X, rng(3)), ru.augment.elastic(X, rng(3))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, ru.augment.elastic(X, rng(4)))


@pytest.mark.parametrize("hook", [ru.augment.RandomRotation(15), ru.augment.RandomCrop(7),
                                  ru.augment.RandomAffine(), ru.augment.ElasticDistortion()])
def test_geometric_hooks_keep_labels_shape_dtype_and_change_images(hook):
    X = rng(0).random((40, 64)).astype(np.float32)
    y = np.arange(40) % 10
    Xn, yn = hook(X, y, rng(1))
    assert yn is y and Xn.shape == X.shape and Xn.dtype == np.float32
    assert np.mean(np.any(np.abs(Xn - X) > 1e-3, axis=1)) > 0.9
    Xm, _ = hook(X, y, rng(1))
    np.testing.assert_array_equal(Xn, Xm)
    assert type(hook).__name__ in repr(hook)


def test_geometric_hooks_refuse_bad_settings():
    with pytest.raises(TypeError, match="max_degrees"):
        ru.augment.RandomRotation("15")
    with pytest.raises(ValueError, match="size"):
        ru.augment.RandomCrop(0.5)
    with pytest.raises(ValueError, match="max_scale"):
        ru.augment.RandomAffine(max_scale=1.0)
    with pytest.raises(ValueError, match="sigma"):
        ru.augment.ElasticDistortion(sigma=0)
    with pytest.raises(ValueError, match="A.shape"):
        ru.augment.affine(images(), np.eye(3))
