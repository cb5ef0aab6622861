"""regutils.lectures.dropout_slide: the slide's code, its backward pass checked."""
import numpy as np
import pytest

import regutils as ru
from regutils.lectures import dropout_slide as slide


@pytest.fixture(scope="module", autouse=True)
def _one_blas_thread():
    """One BLAS thread, as in the notebooks: for these small matrices OpenBLAS's threads only
    wait for each other, and on a busy 2-core machine they make training 10-30 times slower."""
    with ru.one_blas_thread():
        yield


# ------------------------------------------------------------------------------------------------
# The slide's code
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("inverted", [False, True])
def test_slide_backward_passes_the_gradient_check(inverted):
    errors = slide.slide_gradient_check(inverted=inverted)
    assert set(errors) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    assert max(errors.values()) < 1e-7


def test_slide_backward_matches_the_regutils_network_with_the_same_masks():
    rng = np.random.default_rng(0)
    params = slide.slide_init((5, 7, 6, 3), seed=0)
    X, y = rng.standard_normal((5, 8)), rng.integers(0, 3, 8)
    out, cache = slide.slide_forward(params, X, 0.5, rng, inverted=True)
    loss, dscores = ru.softmax_cross_entropy(out.T, y)
    grads = slide.slide_backward(params, cache, dscores.T)
    net = ru.MLP([5, 7, 6, 3], keep_prob=0.5, seed=0)
    for i, k in ((0, 1), (3, 2), (6, 3)):
        net.layers[i].params["W"][...] = params[f"W{k}"].T
    drops = [l for l in net.layers if isinstance(l, ru.Dropout)]
    for layer, U in zip(drops, (cache[2], cache[5])):
        layer.mask, layer.hold = U.T.copy(), True
    net_loss, net_grads = net.loss_and_grads(X.T, y)
    assert net_loss == pytest.approx(loss, rel=1e-12)
    for i, k in ((0, 1), (3, 2), (6, 3)):
        np.testing.assert_allclose(net_grads[f"{i}.W"], grads[f"W{k}"].T, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(net_grads[f"{i}.b"], grads[f"b{k}"][:, 0], rtol=1e-10,
                                   atol=1e-14)


def test_vanilla_with_test_scaling_equals_inverted_with_rescaled_weights():
    p = 0.8
    vanilla = slide.slide_init((6, 5, 4, 3), seed=2)
    inverted = {k: v.copy() for k, v in vanilla.items()}
    inverted["W2"] *= p   # the layer after a dropout sees U·h/p instead of U·h
    inverted["W3"] *= p
    X = np.random.default_rng(0).standard_normal((6, 9))
    np.testing.assert_allclose(slide.slide_predict(vanilla, X, p),
                               slide.slide_predict(inverted, X, p, inverted=True), rtol=1e-12)
    U = [(np.random.default_rng(1).random(s) < p) * 1.0 for s in ((5, 9), (4, 9))]
    out_v = slide.slide_forward(vanilla, X, p, masks=U)[0]
    out_i = slide.slide_forward(inverted, X, p, masks=[u / p for u in U])[0]
    np.testing.assert_allclose(out_v, out_i, rtol=1e-12)
