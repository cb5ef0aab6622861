"""Layers as forward/backward pairs (CS231n style).

Every layer has ``forward(X) -> out``, which keeps in ``self.cache`` what backward needs, and
``backward(dout) -> (dX, grads)``, which returns the gradient with respect to its input and a dict
of gradients with respect to its parameters (empty for layers without parameters). Backward never
changes a weight: the optimizer does that (``regutils.optim``).

Shapes: ``X`` is (N, D) — N examples, D features; ``out`` is (N, M).

Stochastic layers (Dropout, GaussianNoise) draw from their own ``numpy.random.Generator`` made from
``seed``. ``layer.hold = True`` makes them reuse the last sample, so a gradient check sees a fixed
function (the mask held fixed).
"""
import numpy as np

from . import checks


def _floats(X):
    """X as a float array: integer inputs become float64 (int arithmetic would truncate a mask
    of 1/p or the noise); anything that is not numbers is an error naming X."""
    X = np.asarray(X)
    return X if X.dtype.kind == "f" else checks.finite_array("X", X)


class Layer:
    """Base class: no parameters, ``training`` flag, ``cache`` for backward."""

    params = {}

    def __init__(self):
        self.training = True
        self.cache = None

    def forward(self, X):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError

    def cached(self):
        """What forward kept for backward; an error if there was no forward pass yet."""
        if self.cache is None:
            raise ValueError(f"{type(self).__name__}.backward needs a forward pass first: "
                             "call forward(X) before backward(dout)")
        return self.cache

    def __repr__(self):
        return f"{type(self).__name__}()"


class Dense(Layer):
    """Fully connected layer: ``out = X @ W + b``; W is (D, M), b is (M,).

    Weights start as N(0, scale²) with ``scale = sqrt(gain / D)`` (He init for ReLU: gain 2; tanh
    or a linear output: gain 1). Biases start at 0.
    """

    def __init__(self, n_in, n_out, seed=0, gain=2.0, dtype=np.float64):
        super().__init__()
        n_in = checks.integer("n_in", n_in, minimum=1)
        n_out = checks.integer("n_out", n_out, minimum=1)
        gain = checks.positive("gain", gain)
        if np.dtype(dtype) not in (np.float32, np.float64):
            checks.fail("dtype", "float32 or float64", dtype, TypeError)
        rng = checks.rng("seed", seed)
        W = rng.standard_normal((n_in, n_out)) * np.sqrt(gain / n_in)
        self.params = {"W": W.astype(dtype), "b": np.zeros(n_out, dtype=dtype)}

    def forward(self, X):
        X = _floats(X)
        n_in = self.params["W"].shape[0]
        if X.ndim < 2 or X.shape[-1] != n_in:
            checks.fail("X.shape", f"(N, {n_in}), one column per input of Dense({n_in}, ...)",
                        X.shape)
        self.cache = X
        return X @ self.params["W"] + self.params["b"]

    def backward(self, dout, need_dX=True):
        """``need_dX=False`` skips dX (a network's first Dense layer: nothing consumes it)."""
        X = self.cached()
        if np.shape(dout) != X.shape[:-1] + (self.params["W"].shape[1],):
            checks.fail("dout.shape", str(X.shape[:-1] + (self.params["W"].shape[1],)),
                        np.shape(dout))
        grads = {"W": X.T @ dout, "b": dout.sum(axis=0)}
        dX = dout @ self.params["W"].T if need_dX else None
        return dX, grads

    def __repr__(self):
        n_in, n_out = self.params["W"].shape
        return f"Dense({n_in}, {n_out})"


class ReLU(Layer):
    """``out = max(0, X)``; the gradient passes where X > 0."""

    def forward(self, X):
        out = np.maximum(X, 0)
        self.cache = out
        return out

    def backward(self, dout):
        return dout * (self.cached() > 0), {}


class Tanh(Layer):
    """``out = tanh(X)``; ``d out / dX = 1 - out²``."""

    def forward(self, X):
        out = np.tanh(X)
        self.cache = out
        return out

    def backward(self, dout):
        return dout * (1 - self.cached()**2), {}


RULES = ("inverted", "vanilla")


class Dropout(Layer):
    """Dropout with keep probability p (the lecture's ``p``; PyTorch's ``nn.Dropout`` takes 1 - p).

    Training draws a binary mask ``U = rand(N, D) < p`` — each unit kept with probability p — and
    - ``rule="vanilla"`` (the slide's code): ``out = X * U``; at test time ``out = X * p``
      ("drop in forward pass, scale at test time");
    - ``rule="inverted"``: ``out = X * U / p``; at test time ``out = X`` (nothing to scale).
    Either way the expected training output equals the test output. Backward applies the same
    factor (mask and 1/p), the gradient of ``out`` with respect to ``X``.

    ``sample_at_test = True`` keeps drawing masks in eval mode (Monte-Carlo prediction).
    """

    def __init__(self, keep_prob=0.5, rule="inverted", seed=0):
        super().__init__()
        self.keep_prob = checks.keep_prob(keep_prob)
        self.rule = checks.choice("rule", rule, RULES)
        self.rng = checks.rng("seed", seed)
        self.hold = False
        self.sample_at_test = False
        self.mask = None

    def forward(self, X):
        X = _floats(X)
        if self.training or self.sample_at_test:
            factor = self.draw_mask(X)      # (N, D): U/p (inverted) or U (vanilla)
        else:
            factor = self.test_factor(X)    # (1, D): 1 (inverted) or p (vanilla)
        self.cache = factor                 # backward multiplies by the same array
        return X * factor

    def draw_mask(self, X):
        """A fresh mask for X (N, D), times 1/p when inverted; the last one again if ``hold``."""
        if self.hold and self.mask is not None and self.mask.shape == X.shape:
            return self.mask
        p = self.keep_prob
        if p == 1.0:  # every unit kept: no draw, so p = 1 leaves the random stream alone
            return np.ones((1, X.shape[-1]), dtype=np.result_type(X.dtype, np.float32))
        U = self.rng.random(X.shape, dtype=np.float32 if X.dtype == np.float32 else np.float64)
        self.mask = (U < p).astype(X.dtype)
        if self.rule == "inverted":
            self.mask *= X.dtype.type(1.0 / p)
        return self.mask

    def test_factor(self, X):
        """What every unit is multiplied by at test time, as a (1, D) row: p (vanilla) or 1."""
        return np.full((1, X.shape[-1]), self.keep_prob if self.rule == "vanilla" else 1.0,
                       dtype=np.result_type(X.dtype, np.float32))

    def backward(self, dout):
        return dout * self.cached(), {}

    def __repr__(self):
        return f"Dropout(keep_prob={self.keep_prob:g}, rule={self.rule!r})"


class GaussianNoise(Layer):
    """Additive noise ``out = X + sigma * eps``, ``eps ~ N(0, 1)``, fresh each forward in training.

    In the input layer it is data augmentation by jitter; after a hidden layer it is the lecture's
    "noise in the hidden layers". Identity at test time; the gradient passes unchanged.
    """

    def __init__(self, sigma=0.1, seed=0):
        super().__init__()
        self.sigma = checks.nonnegative("sigma", sigma)
        self.rng = checks.rng("seed", seed)
        self.hold = False
        self.noise = None

    def forward(self, X):
        X = _floats(X)
        if not self.training or self.sigma == 0:
            return X
        if not (self.hold and self.noise is not None and self.noise.shape == X.shape):
            eps = self.rng.standard_normal(X.shape, dtype=np.float32 if X.dtype == np.float32
                                           else np.float64)
            self.noise = (self.sigma * eps).astype(X.dtype, copy=False)
        return X + self.noise

    def backward(self, dout):
        return dout, {}

    def __repr__(self):
        return f"GaussianNoise(sigma={self.sigma:g})"
