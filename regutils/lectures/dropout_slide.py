"""Notebook 06, dropout: the slide's NumPy code made runnable, backward pass included.

The slide keeps its own layout: X is (D, N), one column per example; W1 is (H1, D), b1 is (H1, 1).
``slide_forward`` draws the masks (vanilla, or inverted with its /p), ``slide_backward`` is the
backward pass the slide leaves out, ``slide_predict`` its test-time rule, ``slide_gradient_check``
proves the backward right (and the mask-forgetting bug wrong).
"""
import numpy as np

from .. import checks
from ..gradcheck import numerical_gradient, rel_error
from ..losses import softmax_cross_entropy
from ..progress import progress
from ..train import one_blas_thread


def slide_init(sizes=(64, 100, 100, 10), seed=0):
    """Weights of the slide's 3-layer network: W1 (H1, D), b1 (H1, 1), ..., W3 (C, H2), b3 (C, 1).
    He initialization (std √(2/fan_in)), biases 0."""
    if len(sizes) != 4:
        checks.fail("sizes", "four layer sizes (D, H1, H2, C)", sizes)
    rng = checks.rng("seed", seed)
    params = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{i}"] = rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in)
        params[f"b{i}"] = np.zeros((n_out, 1))
    return params

def slide_forward(params, X, p=0.5, rng=None, inverted=False, masks=None):
    """The forward pass of the slide's ``train_step``: returns (out, cache).

    X: (D, N). ``U1 = np.random.rand(*H1.shape) < p`` becomes ``rng.random(A1.shape) < p`` (a
    Generator instead of numpy's global state). ``inverted=True`` is the slide's inverted dropout,
    ``U1 = (rng.random(A1.shape) < p) / p``. The slide's ``H1 *= U1`` is written ``H1 = A1 * U1``
    so that the backward pass still has A1, the activations before the drop. ``masks=(U1, U2)``
    reuses given masks (for a gradient check the mask must be held fixed).
    """
    W1, b1, W2, b2, W3, b3 = (params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    A1 = np.maximum(0, np.dot(W1, X) + b1)
    if masks is None:
        U1 = rng.random(A1.shape) < p             # first dropout mask
        U1 = U1 / p if inverted else U1 * 1.0     # inverted: notice /p!
    else:
        U1 = masks[0]
    H1 = A1 * U1                                   # drop!
    A2 = np.maximum(0, np.dot(W2, H1) + b2)
    if masks is None:
        U2 = rng.random(A2.shape) < p             # second dropout mask
        U2 = U2 / p if inverted else U2 * 1.0
    else:
        U2 = masks[1]
    H2 = A2 * U2                                   # drop!
    out = np.dot(W3, H2) + b3
    return out, (X, A1, U1, H1, A2, U2, H2)

def slide_backward(params, cache, dout, use_mask=True):
    """The backward pass the slide leaves out: gradients of every weight for an upstream ``dout``
    (C, N) = ∂L/∂out. Returns {"W1": (H1, D), "b1": (H1, 1), ...}.

    A dropped unit passes no gradient: the mask (with its 1/p when inverted) multiplies the
    gradient on the way back exactly as it multiplied the activation on the way forward.
    ``use_mask=False`` is the classic bug (forgetting the mask) — the gradient check catches it.
    """
    X, A1, U1, H1, A2, U2, H2 = cache
    grads = {"W3": np.dot(dout, H2.T), "b3": dout.sum(axis=1, keepdims=True)}
    dH2 = np.dot(params["W3"].T, dout)
    dA2 = dH2 * U2 if use_mask else dH2                # back through "H2 *= U2"
    dZ2 = dA2 * (A2 > 0)                               # back through the ReLU
    grads["W2"], grads["b2"] = np.dot(dZ2, H1.T), dZ2.sum(axis=1, keepdims=True)
    dH1 = np.dot(params["W2"].T, dZ2)
    dA1 = dH1 * U1 if use_mask else dH1                # back through "H1 *= U1"
    dZ1 = dA1 * (A1 > 0)
    grads["W1"], grads["b1"] = np.dot(dZ1, X.T), dZ1.sum(axis=1, keepdims=True)
    return grads

def slide_train_step(params, X, y, p=0.5, rng=None, lr=0.1, inverted=False):
    """One step of the slide's ``train_step``: forward with fresh masks, softmax cross-entropy,
    the backward pass and the parameter update w ← w − η∇w L. Returns the loss."""
    out, cache = slide_forward(params, X, p, rng, inverted)
    loss, dscores = softmax_cross_entropy(out.T, y)      # our loss takes (N, C) scores
    grads = slide_backward(params, cache, dscores.T)
    for name, g in grads.items():
        params[name] -= lr * g
    return loss

def slide_predict(params, X, p=0.5, inverted=False):
    """The slide's ``predict``: every unit active. Vanilla dropout scales the activations by p
    ("scale at test time"); inverted dropout needs no scaling ("test time is unchanged").
    Returns scores (C, N)."""
    W1, b1, W2, b2, W3, b3 = (params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    scale = 1.0 if inverted else p
    H1 = np.maximum(0, np.dot(W1, X) + b1) * scale   # NOTE: scale the activations
    H2 = np.maximum(0, np.dot(W2, H1) + b2) * scale  # NOTE: scale the activations
    return np.dot(W3, H2) + b3

def slide_gradient_check(sizes=(6, 5, 4, 3), n=4, p=0.5, inverted=False, use_mask=True, seed=1):
    """Relative error of ``slide_backward`` against centred differences, per weight, with the
    masks drawn once and held fixed. f = Σ out ⊙ G for a random G (so ∂f/∂out = G).
    A correct backward gives ~1e-9 or less; ``use_mask=False`` gives ~1. (A pre-activation within
    h of ReLU's kink spoils centred differences; seed=1 draws none, seed=0 does: ~4e-7.)"""
    inverted = checks.boolean("inverted", inverted)
    use_mask = checks.boolean("use_mask", use_mask)
    p = checks.keep_prob(p, "p")
    n = checks.integer("n", n, minimum=1)
    rng = checks.rng("seed", seed)
    params = slide_init(sizes, seed=seed)
    for name in params:  # non-zero biases, so every ReLU sees a mix of signs
        if name.startswith("b"):
            params[name] += 0.1 * rng.standard_normal(params[name].shape)
    X = rng.standard_normal((sizes[0], n))
    out, cache = slide_forward(params, X, p, rng, inverted)
    masks = (cache[2], cache[5])
    G = rng.standard_normal(out.shape)
    grads = slide_backward(params, cache, G, use_mask=use_mask)

    def f():
        return float(np.sum(slide_forward(params, X, p, masks=masks)[0] * G))

    return {name: rel_error(grads[name], numerical_gradient(f, params[name])) for name in params}

def slide_train(X, y, X_test, y_test, sizes=(64, 100, 100, 10), p=0.5, inverted=False, epochs=30,
                batch_size=32, lr=0.05, seed=0):
    """Train the slide's network with ``slide_train_step`` on (N, D) data (transposed for the
    slide). Returns (params, test accuracy of ``slide_predict``)."""
    rng = checks.rng("seed", seed)
    params = slide_init(sizes, seed=seed)
    with one_blas_thread():  # small matrices: more BLAS threads only wait for each other
        for _ in progress(range(epochs), "training the slide's network", "epochs"):
            order = rng.permutation(len(X))
            for i in range(0, len(X), batch_size):
                idx = order[i:i + batch_size]
                slide_train_step(params, X[idx].T, y[idx], p, rng, lr, inverted)
    acc = float(np.mean(slide_predict(params, X_test.T, p, inverted).argmax(axis=0) == y_test))
    return params, acc
