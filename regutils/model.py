"""A network made from layers, and ``MLP(...)`` to build one in a single call.

``net.loss_and_grads(X, y)`` runs forward, the loss, the penalty and backward and returns
``(L̃, grads)`` with L̃ = L + λΩ(w); an optimizer then applies ``grads`` to ``net.parameters()``.
``net.train()`` / ``net.eval()`` switch Dropout and GaussianNoise between their training and test
behaviour. ``predict_proba`` offers the test-time rules of the lecture.
"""
import contextlib

import numpy as np

from . import checks
from .layers import RULES, Dense, Dropout, GaussianNoise, Layer, ReLU, Tanh
from .losses import LOSSES, softmax
from .penalties import make_penalty

ACTIVATIONS = {"relu": ReLU, "tanh": Tanh}
TEST_RULES = ("scale", "mc")
MAX_MASKS = 10_000  # the most masks predict_proba(test_rule="mc") averages over


class Network:
    """A stack of layers with a loss and a penalty.

    layers: list of ``Layer``; loss: ``"cross_entropy"`` (labels, softmax outputs) or ``"mse"``;
    penalty: a ``Penalty`` (``L2(lam)``, ``L1(lam)``) or a name with ``lam``.
    """

    def __init__(self, layers, loss="cross_entropy", penalty="none", lam=0.0):
        layers = list(layers)
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                checks.fail(f"layers[{i}]", "a regutils Layer", layer, TypeError)
        dense = [layer.params["W"].shape for layer in layers if isinstance(layer, Dense)]
        if not dense:
            checks.fail("layers", "a list of layers with at least one Dense layer", layers)
        for (_, n_out), (n_in, _) in zip(dense, dense[1:]):
            if n_out != n_in:
                checks.fail("layers", "Dense layers whose sizes chain (each n_in equal to the "
                            "n_out before it)", f"Dense(..., {n_out}) followed by Dense({n_in}, ...)")
        self.layers = layers
        self.loss_name = checks.choice("loss", loss, tuple(LOSSES))
        self.penalty = make_penalty(penalty, lam)
        self.training = True
        # backward stops at the first Dense layer and skips its dX when nothing below it has
        # parameters (nobody uses the input's gradient): 9 % faster 784-512-512-10 steps (A/B
        # with benchmarks/bench_train.py's step, float32)
        first = next((i for i, l in enumerate(layers) if isinstance(l, Dense)), -1)
        self._first = first if first >= 0 and not any(l.params for l in layers[:first]) else -1

    # -- modes -------------------------------------------------------------------------------
    def train(self):
        """Training mode: Dropout draws masks, GaussianNoise adds noise."""
        self.training = True
        for layer in self.layers:
            layer.training = True
        return self

    def eval(self):
        """Test mode: Dropout applies its test-time rule, GaussianNoise is the identity."""
        self.training = False
        for layer in self.layers:
            layer.training = False
        return self

    @contextlib.contextmanager
    def hold_noise(self):
        """Within this block Dropout and GaussianNoise reuse their last sample (for gradient checks)."""
        noisy = [l for l in self.layers if isinstance(l, (Dropout, GaussianNoise))]
        for layer in noisy:
            layer.hold = True
        try:
            yield self
        finally:
            for layer in noisy:
                layer.hold = False

    # -- parameters --------------------------------------------------------------------------
    def parameters(self):
        """All parameters by name, ``{"0.W": W, "0.b": b, "2.W": ...}`` (the arrays themselves)."""
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.params.items()}

    def weights(self):
        """The weight matrices W of the Dense layers, input to output (what Ω sees)."""
        return [layer.params["W"] for layer in self.layers if isinstance(layer, Dense)]

    def set_penalty(self, penalty="none", lam=0.0, penalize_bias=None):
        """Change the penalty (e.g. from a slider) without touching the weights; whether biases
        are penalized stays as it was unless ``penalize_bias`` is given."""
        if penalize_bias is None:
            penalize_bias = self.penalty.penalize_bias
        self.penalty = make_penalty(penalty, lam, penalize_bias)
        return self

    @property
    def n_outputs(self):
        return self.weights()[-1].shape[1]

    @property
    def n_inputs(self):
        return self.weights()[0].shape[0]

    # -- forward / backward ------------------------------------------------------------------
    def forward(self, X, masks=None):
        """Scores (N, C) for inputs X (N, D), in the current mode.

        masks: one 0/1 array (M, units) per Dropout layer, input to output. Then the scores
        (M, N, C) of the M sub-networks they pick: each Dropout multiplies by its mask (and by 1/p
        when inverted) as in training, GaussianNoise is left out (its test-time behaviour), and
        the mode and random generators are not touched.
        """
        if masks is not None:
            return self._forward_masks(X, masks)
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def _forward_masks(self, X, masks):
        X = checks.finite_array("X", X, ndim=2)
        drops = [l for l in self.layers if isinstance(l, Dropout)]
        masks = [np.atleast_2d(np.asarray(m, dtype=np.float64)) for m in masks]
        if len(masks) != len(drops):
            checks.fail("masks", f"one mask per Dropout layer ({len(drops)})", f"{len(masks)} masks")
        M = masks[0].shape[0] if masks else 1
        H = np.broadcast_to(X, (M, *X.shape))
        j = 0
        for layer in self.layers:
            if isinstance(layer, Dropout):
                m = masks[j]
                if m.shape != (M, H.shape[-1]):
                    checks.fail(f"masks[{j}].shape", f"({M}, {H.shape[-1]})", m.shape)
                factor = 1.0 / layer.keep_prob if layer.rule == "inverted" else 1.0
                H = H * (factor * m)[:, None, :]
                j += 1
            elif not isinstance(layer, GaussianNoise):
                H = layer.forward(H)
        return H

    def backward(self, dout):
        """Gradients of all parameters, by name, for the upstream gradient ``dout`` (N, C)."""
        grads = {}
        for i in range(len(self.layers) - 1, max(self._first, 0) - 1, -1):
            if i == self._first:
                dout, g = self.layers[i].backward(dout, need_dX=False)
            else:
                dout, g = self.layers[i].backward(dout)
            for k, v in g.items():
                grads[f"{i}.{k}"] = v
        return grads

    def penalty_value(self):
        """λΩ(w) over all penalized parameters."""
        return sum(self.penalty(v)[0] for name, v in self._penalized())

    def _penalized(self):
        """(name, array) of the parameters in Ω, none when λ = 0."""
        if self.penalty.lam == 0:
            return []
        return [(f"{i}.{k}", v) for i, layer in enumerate(self.layers)
                for k, v in layer.params.items() if self.penalty.applies_to(k)]

    def loss_and_grads(self, X, y):
        """L̃ = L(forward(X), y) + λΩ(w) and its gradient with respect to every parameter."""
        y = self._targets(y, len(X))
        data_loss, dout = LOSSES[self.loss_name](self.forward(X), y)
        grads = self.backward(dout)
        total = data_loss
        for name, w in self._penalized():
            value, g = self.penalty(w)
            total += value
            grads[name] += g  # in place: backward made this array, nobody else holds it
        return total, grads

    def data_loss(self, X, y):
        """L only (no penalty), in the current mode."""
        y = self._targets(y, len(X))
        return LOSSES[self.loss_name](self.forward(X), y)[0]

    def _targets(self, y, n):
        """y checked against the loss: n labels in 0..C−1, or n rows of C targets for "mse"."""
        if self.loss_name == "cross_entropy":
            return checks.labels("y", y, n_classes=self.n_outputs, n=n)
        y = checks.finite_array("y", y)
        if y.size != n * self.n_outputs or len(y) != n:
            checks.fail("y.shape", f"({n}, {self.n_outputs}), one target per output", y.shape)
        return y

    # -- prediction --------------------------------------------------------------------------
    @contextlib.contextmanager
    def _sampling_masks(self, seed):
        drops = [l for l in self.layers if isinstance(l, Dropout)]
        saved = [(l.rng, l.sample_at_test) for l in drops]
        rng = checks.rng("seed", seed)
        for layer in drops:
            layer.rng, layer.sample_at_test = rng, True
        try:
            yield
        finally:
            for layer, (r, s) in zip(drops, saved):
                layer.rng, layer.sample_at_test = r, s

    def predict_proba(self, X, test_rule="scale", k=50, seed=0):
        """Class probabilities (N, C) at test time (the network is left in the mode it was in).

        test_rule="scale": every unit active, each Dropout applies its deterministic test-time rule —
        scaling by p (vanilla) or nothing (inverted, the 1/p was applied in training). This is the
        weight-scaling approximation of E_z[f(x, z)].
        test_rule="mc": the Monte-Carlo average of softmax(f(x, z)) over ``k`` random masks z (drawn from
        ``seed``), an estimate of Σ_z p(z) f(x, z).
        For ``loss="mse"`` the outputs themselves are returned (averaged the same way).
        """
        checks.choice("test_rule", test_rule, TEST_RULES)
        X = checks.finite_array("X", X, ndim=2)
        if X.shape[1] != self.n_inputs:
            raise ValueError(f"X must have {self.n_inputs} columns (the network's input size), "
                             f"got {X.shape[1]}")
        was_training = self.training
        self.eval()
        out = softmax if self.loss_name == "cross_entropy" else (lambda z: z)
        try:
            if test_rule == "scale":
                return out(self.forward(X))
            k = checks.integer("k", k, minimum=1, maximum=MAX_MASKS)
            with self._sampling_masks(seed):
                total = out(self.forward(X))
                for _ in range(k - 1):
                    total += out(self.forward(X))
            return total / k
        finally:
            if was_training:
                self.train()

    def predict(self, X, test_rule="scale", k=50, seed=0):
        """Predicted class labels (N,) under the same test-time rules as ``predict_proba``."""
        return self.predict_proba(X, test_rule, k, seed).argmax(axis=1)

    def accuracy(self, X, y, test_rule="scale", k=50, seed=0):
        """Share of correct predictions on (X, y)."""
        pred = self.predict(X, test_rule, k, seed)
        y = checks.labels("y", y, n_classes=self.n_outputs, n=len(pred))
        return float(np.mean(pred == y))

    def __repr__(self):
        lines = [f"  ({i}) {layer!r}" for i, layer in enumerate(self.layers)]
        return "\n".join([f"Network(loss={self.loss_name!r}, penalty={self.penalty!r})", *lines])


def MLP(sizes, activation="relu", keep_prob=1.0, input_keep_prob=1.0, rule="inverted",
        input_sigma=0.0, hidden_sigma=0.0, loss="cross_entropy", penalty="none", lam=0.0,
        penalize_bias=False, seed=0, dtype=np.float64, switchable=False):
    """A multilayer perceptron in one call.

    sizes: [D, H1, ..., C], e.g. ``[2, 64, 64, 2]``. After each hidden Dense layer come the
    activation, then GaussianNoise(hidden_sigma) if σ > 0, then Dropout(keep_prob, rule) if p < 1.
    The input gets GaussianNoise(input_sigma) and Dropout(input_keep_prob) likewise. Every random
    part gets its own seed spawned from ``seed``, so the initial weights do not depend on p or σ.
    ``switchable=True`` puts in the input noise and every hidden noise and dropout layer even at
    σ = 0 and p = 1 (where they are the identity), so that a running network can switch them on
    (the explorer panels' live mode).

    >>> print(MLP([2, 8, 2], keep_prob=0.5, penalty="l2", lam=1e-3))
    Network(loss='cross_entropy', penalty=L2(lam=0.001))
      (0) Dense(2, 8)
      (1) ReLU()
      (2) Dropout(keep_prob=0.5, rule='inverted')
      (3) Dense(8, 2)
    """
    if not isinstance(sizes, (list, tuple)) or len(sizes) < 2:
        checks.fail("sizes", "a list of at least two layer sizes, e.g. [2, 64, 2]", sizes)
    sizes = [checks.integer(f"sizes[{i}]", s, minimum=1) for i, s in enumerate(sizes)]
    checks.choice("activation", activation, tuple(ACTIVATIONS))
    checks.choice("rule", rule, RULES)
    checks.keep_prob(keep_prob)
    checks.keep_prob(input_keep_prob, "input_keep_prob")
    checks.nonnegative("input_sigma", input_sigma)
    checks.nonnegative("hidden_sigma", hidden_sigma)
    if np.dtype(dtype) not in (np.float32, np.float64):
        checks.fail("dtype", "float32 or float64", dtype, TypeError)
    if not isinstance(seed, np.random.SeedSequence):
        seed = checks.integer("seed", seed, minimum=0)  # spawned into one seed per random layer
    seeds = np.random.SeedSequence(seed).spawn(3 * len(sizes))
    gain = 2.0 if activation == "relu" else 1.0
    layers = []
    if input_sigma > 0 or switchable:
        layers.append(GaussianNoise(input_sigma, seed=seeds[-2]))
    if input_keep_prob < 1:
        layers.append(Dropout(input_keep_prob, rule, seed=seeds[-1]))
    n_layers = len(sizes) - 1
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        last = i == n_layers - 1
        layers.append(Dense(n_in, n_out, seed=seeds[3 * i], gain=1.0 if last else gain, dtype=dtype))
        if last:
            break
        layers.append(ACTIVATIONS[activation]())
        if hidden_sigma > 0 or switchable:
            layers.append(GaussianNoise(hidden_sigma, seed=seeds[3 * i + 1]))
        if keep_prob < 1 or switchable:
            layers.append(Dropout(keep_prob, rule, seed=seeds[3 * i + 2]))
    return Network(layers, loss=loss, penalty=make_penalty(penalty, lam, penalize_bias))
