"""The four explorer panels and the functions that make them (``penalty_panel(...)``, ...): their
controls, titles and start settings; the wiring is ``panel.Panel``."""
from .. import checks
from .panel import Panel
from .settings import Settings, digits_settings


class PenaltyPanel(Panel):
    """λ, penalty none/L1/L2, L2-in-the-loss vs decoupled weight decay."""
    slug = "penalty-panel"

class DropoutPanel(Panel):
    """p (keep), rule vanilla/inverted, test-time rule weight scaling vs Monte-Carlo (k masks)."""
    slug = "dropout-panel"

class NoisePanel(Panel):
    """σ input and σ hidden (Gaussian noise drawn afresh every epoch)."""
    slug = "noise-panel"

class CorruptionPanel(Panel):
    """8×8 digits with a share of the training labels redrawn at random (Zhang et al. 2017)."""
    slug = "corruption-panel"

DATA_CONTROLS = ("dataset", "noise", "n_train", "seed", "optimizer", "lr")

def _settings(dataset, n_train, noise, seed, epochs, lr, optimizer, **fields):
    base = dict(dataset=dataset, n_train=n_train, noise=noise, seed=seed, optimizer=optimizer)
    if epochs is not None:
        base["epochs"] = epochs
    base["lr"] = lr if lr is not None else (0.02 if optimizer == "adam" else 0.1)
    return Settings(**base, **fields)

def penalty_panel(dataset="moons", penalty="l2", lam=1e-3, decoupled=False, n_train=200,
                  noise=0.25, seed=0, epochs=None, lr=None, optimizer="adam", **kwargs):
    """A panel for the norm penalties: λ (log slider, 0 and 1e-5 … 10), penalty none/L1/L2, and
    the penalty in the loss (L̃ = L + λΩ) vs decoupled (L2: w ← (1 − ηλ)w; L1: proximal step).
    ``epochs``: the compare-mode budget (default 150); ``lr``: η (default 0.02 for Adam, 0.1 for
    SGD); other keyword arguments go to ``Panel`` (``cache_size``, ``interval``, ...)."""
    s = _settings(dataset, n_train, noise, seed, epochs, lr, optimizer,
                  penalty=penalty, lam=lam, decoupled=decoupled)
    return PenaltyPanel(s, ("penalty", "lam", "decoupled") + DATA_CONTROLS,
                        title="Norm penalties: L̃ = L + λΩ(w)", **kwargs)

def dropout_panel(dataset="moons", keep_prob=0.5, rule="inverted", test_rule="scale", k=20,
                  n_train=200, noise=0.25, seed=0, epochs=None, lr=None, optimizer="adam",
                  **kwargs):
    """A panel for dropout on both hidden layers: p (keep) 0.05 … 1, rule vanilla/inverted,
    test-time rule weight scaling vs Monte-Carlo average over k masks."""
    s = _settings(dataset, n_train, noise, seed, epochs, lr, optimizer,
                  keep_prob=keep_prob, rule=rule, test_rule=test_rule, k=k)
    return DropoutPanel(s, ("keep_prob", "rule", "test_rule", "k") + DATA_CONTROLS,
                        title="Dropout: keep each hidden unit with probability p", **kwargs)

def noise_panel(dataset="moons", input_sigma=0.0, hidden_sigma=0.0, n_train=200, noise=0.25,
                seed=0, epochs=None, lr=None, optimizer="adam", **kwargs):
    """A panel for noise as a regularizer: Gaussian noise σ on the inputs (augmentation) and on
    the hidden units, drawn afresh every epoch."""
    s = _settings(dataset, n_train, noise, seed, epochs, lr, optimizer,
                  input_sigma=input_sigma, hidden_sigma=hidden_sigma)
    return NoisePanel(s, ("input_sigma", "hidden_sigma") + DATA_CONTROLS,
                      title="Noise: x + σε on the inputs, h + σε on the hidden units", **kwargs)

def corruption_panel(fraction=0.0, seed=0, epochs=None, **kwargs):
    """A panel for Zhang et al.'s random labels on the 8×8 digits: a slider for the share of
    training labels redrawn at random (0 … 1, step 0.1); a 64-512-10 network trained with Adam for
    100 epochs (``digits_settings``): on a 2-core laptop the first picture of a new setting comes
    within about 0.3 s and the final one after 1.5-3 s.
    Left: training digits with the labels the network sees (red: corrupted, true label in
    brackets); middle: train/test loss and accuracy; right: weight histograms."""
    fraction = checks.in_range("fraction", fraction, 0, 1)  # the slider calls it "corruption"
    changes = {"corruption": fraction, "seed": seed}
    if epochs is not None:
        changes["epochs"] = epochs
    s = digits_settings(**changes)
    kwargs.setdefault("epochs_per_tick", 1)
    return CorruptionPanel(s, ("corruption", "seed"),
                           title="Random labels: the network memorizes what it is given", **kwargs)
