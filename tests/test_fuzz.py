"""Every public name, driven with bad arguments: each call must raise ValueError or TypeError whose
message names the argument — no raw exception from deep inside NumPy, no silently wrong result,
no hang.

The cases are generated from a table: for each public callable, a valid call and, per argument,
the kind of value it takes; each kind has a list of values that are wrong for it. A few cases that
the table cannot express (shapes that must match, calls in the wrong order) are listed by hand.
"""
import numpy as np
import pytest
from matplotlib.figure import Figure

import regutils as ru
from regutils import plots

X2, Y2 = ru.make_moons(20, noise=0.2, seed=0)
X64 = np.random.default_rng(0).random((12, 64))
Y10 = np.arange(12) % 10
W = np.ones((3, 3))
NET = ru.MLP([2, 4, 2], seed=0)
H = ru.History()
for _e in (1, 2):
    H.record(epoch=_e, train_acc=0.5, test_acc=0.5, train_loss=0.7)
AX = Figure().add_subplot()  # not pyplot: no figure stays open

# Values that are wrong for each kind of argument.
BAD = {
    "count": [0, -1, 1.5, "3", True, None, np.nan],             # an integer >= 1
    "count0": [-1, 1.5, "3", True, None],                        # an integer >= 0
    "seed": [-1, 1.5, "0", True, None, [0, 1]],                  # an integer >= 0 or a Generator
    "nonneg": [-0.1, np.nan, np.inf, "0.1", True, None, [0.1]],  # a finite number >= 0
    "pos": [0, -0.1, np.nan, np.inf, "0.1", True, None],         # a finite number > 0
    "prob": [-0.1, 1.5, np.nan, "0.5", True, None],              # in [0, 1]
    "keep": [0, -0.1, 1.5, np.nan, "0.5", True, None],           # in (0, 1]
    "momentum": [-0.1, 1.0, 2, np.nan, "0.9", True],             # in [0, 1)
    "bool": ["no", 1, 0, None, "False", 1.0],                    # True or False
    "choice": ["bogus", 3, None, ""],                            # one of a fixed set of names
    "X2": [np.zeros(4), np.zeros((4, 3)), np.full((4, 2), np.nan), [["a", "b"]], "X",
           np.zeros((2, 2, 2))],                                 # (n, 2) finite numbers
    "labels": [np.zeros((20, 2)), np.full(20, 0.5), np.arange(3), np.full(20, 7), "y",
               np.full(20, -1)],                                 # (n,) integer labels in range
    "images": [np.zeros(64), np.zeros((3, 65)), np.full((3, 64), np.nan), "X"],
    "rows": [np.zeros(64), np.full((3, 64), np.nan), "X", np.zeros((2, 2, 2))],
    "shape": [(8,), (8, -8), "8x8", (0, 64), (8.0, 8.0), [8, 8]],
    "int": [1.5, "1", True, None],
    "count_or_none": [0, -1, 1.5, "3", True],                    # an integer >= 1, or None
    "classes": [1, 0, -1, 1.5, "3", True],                       # an integer >= 2, or None
    "split_labels": [np.zeros((20, 2)), np.arange(3), "y", np.full(20, 0.5)],
    "labels10": [np.zeros((12, 2)), np.full(12, 0.5), np.full(12, 10), "y", np.full(12, -1)],
    "warray": ["w", np.array(["a"]), None],
    "penalty": ["bogus", 3, "", "L2 "],
    "array": ["w", np.array(["a"]), np.full(3, np.nan), None],
    "callable": [None, 3, "f"],
    "extent": ["abcd", (0, np.nan, 0, 1), (0, 1, -np.inf, 1), (1, 0, 0, 1), (0, 1, 1, 1),
               (0, 1, 0), 3, [[0, 1], [0, 1]]],            # (xmin, xmax, ymin, ymax)
    "resolution": [-1, 0, 1, "3", 1.5, True, None, 10**5],       # an integer in 2..2000
    "dtype": ["int64", np.int64, "bogus", None],                 # float32 or float64
    "net": [None, "net", 3, ru.MLP([2, 4, 3], seed=0)],          # a 2-class network
    "ax": [3, "ax", np.zeros(2), [AX]],                          # None or an Axes
    "axes": [3, "ax", [AX, None]],                               # None or an array of Axes
    "title": [3, ["a"], b"title"],                               # None or a string
    "cmap": ["civdis", 3, None],
    "marker": ["bogus", None, "oo"],
    "history": ["h", None, {}, [1, 2], {"epoch": [1]}, {"epoch": [1, 2], "train_acc": [0.5]},
                {"epoch": [1], "train_acc": ["a"]}, {"epoch": [1], "train_acc": [[0.5, 1]]}],
    "weights": ["n", {}, None, {"W": ["x"]}, {"W": np.full(3, np.nan)}, [np.ones(3)]],
    "range": [(1, 0), (0, np.nan), "ab", (0,), 3, (0, 0)],       # None or (low, high)
    "bins": [0, -1, 1.5, "3", True, None, 10**6],                # an integer in 1..1001
    "colors": ["red", 3, ["bogus"], [], [None]],                 # None or a colour per item
    "grid": [0, -1, 1.5, "3", True, None, 10**4],                # an integer in 1..50
    "digit_labels": ["X", [1, 2], 3, np.zeros((4, 2))],          # None or one per image
}

# (callable, valid keyword arguments, {argument: kind}). Positional-only data go in the kwargs.
TABLE = [
    (ru.make_moons, {}, {"n": "count", "noise": "nonneg", "seed": "seed"}),
    (ru.make_circles, {}, {"n": "count", "noise": "nonneg", "seed": "seed", "factor": "keep"}),
    (ru.make_spiral, {}, {"n": "count", "noise": "nonneg", "seed": "seed", "turns": "pos"}),
    (ru.make_xor, {}, {"n": "count", "noise": "nonneg", "seed": "seed"}),
    (ru.make_2d, {}, {"name": "choice", "n": "count", "noise": "nonneg", "seed": "seed"}),
    (ru.train_test_split, {"X": X2, "y": Y2},
     {"X": "X2", "y": "split_labels", "test_size": "keep", "seed": "seed", "stratify": "bool"}),
    (ru.digits_split, {}, {"seed": "seed"}),
    (ru.corrupt_labels, {"y": Y10, "fraction": 0.5, "n_classes": 10},
     {"y": "labels10", "fraction": "prob", "n_classes": "classes", "seed": "seed"}),
    (ru.shuffle_pixels, {"X": X64}, {"X": "rows", "seed": "seed"}),
    (ru.random_pixels, {"X": X64}, {"X": "rows", "seed": "seed"}),
    (ru.gaussian_pixels, {"X": X64}, {"X": "rows", "seed": "seed"}),
    (ru.flip_horizontal, {"X": X64}, {"X": "images", "shape": "shape"}),
    (ru.flip_vertical, {"X": X64}, {"X": "images", "shape": "shape"}),
    (ru.shift, {"X": X64, "dx": 1, "dy": 0}, {"X": "images", "dx": "int", "dy": "int",
                                                "shape": "shape"}),
    (ru.random_shift, {"X": X64, "rng": np.random.default_rng(0)},
     {"X": "images", "rng": "seed", "max_shift": "count0", "shape": "shape"}),
    (ru.jitter, {"X": X64, "rng": np.random.default_rng(0)},
     {"X": "array", "rng": "seed", "sigma": "nonneg"}),
    (ru.RandomShift, {}, {"max_shift": "count0", "shape": "shape"}),
    (ru.rotate, {"X": X64, "degrees": 10}, {"X": "images", "degrees": "array", "shape": "shape"}),
    (ru.affine, {"X": X64, "A": np.eye(2)},
     {"X": "images", "A": "array", "t": "array", "shape": "shape"}),
    (ru.crop_resize, {"X": X64, "top": 0, "left": 0, "size": 7},
     {"X": "images", "top": "array", "left": "array", "size": "pos"}),
    (ru.elastic, {"X": X64, "rng": np.random.default_rng(0)},
     {"X": "images", "rng": "seed", "alpha": "nonneg", "sigma": "pos", "shape": "shape"}),
    (ru.RandomRotation, {}, {"max_degrees": "nonneg", "shape": "shape"}),
    (ru.RandomCrop, {}, {"size": "pos", "shape": "shape"}),
    (ru.RandomAffine, {}, {"max_degrees": "nonneg", "max_shear": "nonneg", "max_scale": "prob",
                           "max_shift": "nonneg", "shape": "shape"}),
    (ru.ElasticDistortion, {}, {"alpha": "nonneg", "sigma": "pos", "shape": "shape"}),
    (ru.RandomFlip, {}, {"direction": "choice", "shape": "shape"}),
    (ru.Jitter, {}, {"sigma": "nonneg"}),
    (ru.Dense, {"n_in": 2, "n_out": 3},
     {"n_in": "count", "n_out": "count", "seed": "seed", "gain": "pos"}),
    (ru.Dropout, {}, {"keep_prob": "keep", "rule": "choice", "seed": "seed"}),
    (ru.GaussianNoise, {}, {"sigma": "nonneg", "seed": "seed"}),
    (ru.L2, {}, {"lam": "nonneg", "penalize_bias": "bool"}),
    (ru.L1, {}, {"lam": "nonneg", "penalize_bias": "bool"}),
    (ru.make_penalty, {"name": "l2", "lam": 0.1},
     {"lam": "nonneg", "penalize_bias": "bool"}),
    (ru.soft_threshold, {"w": W, "t": 0.1}, {"w": "warray", "t": "nonneg"}),
    (ru.SGD, {}, {"lr": "pos", "momentum": "momentum", "weight_decay": "nonneg",
                  "prox_l1": "nonneg"}),
    (ru.Adam, {}, {"lr": "pos", "beta1": "momentum", "beta2": "momentum", "eps": "pos",
                   "weight_decay": "nonneg", "prox_l1": "nonneg"}),
    (ru.AdamW, {}, {"lr": "pos", "weight_decay": "nonneg"}),
    (ru.MLP, {"sizes": [2, 4, 2]},
     {"activation": "choice", "keep_prob": "keep", "input_keep_prob": "keep",
      "rule": "choice", "input_sigma": "nonneg", "hidden_sigma": "nonneg",
      "loss": "choice", "penalty": "penalty", "penalize_bias": "bool", "seed": "seed"}),
    (ru.softmax_cross_entropy, {"logits": np.zeros((20, 2)), "y": Y2},
     {"logits": "array", "y": "labels"}),
    (ru.mean_squared_error, {"y_hat": np.zeros((20, 2)), "y": np.zeros((20, 2))},
     {"y_hat": "array", "y": "array"}),
    (ru.softmax, {"logits": np.zeros((3, 2))}, {"logits": "array"}),
    (ru.rel_error, {"a": np.ones(3), "b": np.ones(3)}, {"a": "array", "b": "array"}),
    (ru.numerical_gradient, {"f": lambda: 0.0, "x": np.ones(3)},
     {"f": "callable", "x": "array", "h": "pos"}),
    (ru.check_penalty, {"penalty": ru.L2(0.1), "w": W}, {"w": "array", "h": "pos"}),
    (ru.check_loss, {"name": "mse", "y_hat": np.zeros((3, 2)), "y": np.zeros((3, 2))},
     {"name": "choice", "y_hat": "array", "h": "pos"}),
    (ru.log_softmax, {"logits": np.zeros((3, 2))}, {"logits": "array"}),
    (ru.train_val_test_split, {"X": X2, "y": Y2},
     {"X": "X2", "y": "split_labels", "val_size": "keep", "test_size": "keep", "seed": "seed",
      "stratify": "bool"}),
    (ru.grid_points, {"extent": (0, 1, 0, 1)},
     {"extent": "extent", "resolution": "resolution", "dtype": "dtype"}),
]

# regutils.plots: checked before anything is drawn (no figure is opened by a bad call).
PLOTS = [
    (plots.grid_extent, {"X": X2}, {"X": "X2", "pad": "nonneg"}),
    (plots.check_cmap, {"cmap": "RdBu_r"}, {"cmap": "cmap"}),
    (plots.marker_path, {"marker": "o"}, {"marker": "marker"}),
    (plots.class_paths, {"y": Y2}, {"y": "labels"}),
    (plots.class_legend, {"ax": AX}, {"ax": "ax", "test": "bool"}),
    (plots.probability_map, {"net": NET, "extent": (0, 1, 0, 1), "resolution": 5},
     {"net": "net", "extent": "extent", "resolution": "resolution", "test_rule": "choice"}),
    (plots.decision_boundary, {"net": NET, "X": X2, "y": Y2, "X_test": X2, "y_test": Y2,
                               "resolution": 5, "test_rule": "mc", "k": 2},
     {"net": "net", "X": "X2", "y": "labels", "X_test": "X2", "y_test": "labels", "ax": "ax",
      "resolution": "resolution", "extent": "extent", "test_rule": "choice", "k": "count",
      "seed": "seed", "title": "title", "cmap": "cmap", "legend": "bool"}),
    (plots.weight_histograms, {"weights": {"W": W}},
     {"weights": "weights", "axes": "axes", "bins": "bins", "range_": "range", "log": "bool",
      "title": "title", "colors": "colors"}),
    (plots.learning_curves, {"history": H},
     {"history": "history", "ax": "ax", "metric": "choice", "title": "title"}),
    (plots.digit_grid, {"images": X64[:4], "labels": [1, 2, 3, 4]},
     {"images": "images", "labels": "digit_labels", "ncols": "grid", "nrows": "grid",
      "axes": "axes", "title": "title", "label_color": "colors"}),
]
TABLE += PLOTS


def _cases():
    for func, valid, kinds in TABLE:
        for arg, kind in kinds.items():
            for bad in BAD[kind]:
                label = f"{func.__name__}({arg}={bad!r:.30})"
                yield pytest.param(func, {**valid, arg: bad}, arg, id=label)


def _net():
    return ru.MLP([2, 4, 2], seed=0)


def _fit(**kw):
    args = {"net": _net(), "optimizer": ru.SGD(0.1), "X": X2, "y": Y2, "epochs": 2}
    args.update(kw)
    return ru.fit(**args)


FIT = {"epochs": "count0", "batch_size": "count_or_none", "seed": "seed", "X": "X2", "y": "labels",
       "eval_every": "count"}


def _fit_cases():
    for arg, kind in FIT.items():
        for bad in BAD[kind]:
            yield pytest.param(_fit, {arg: bad}, arg, id=f"fit({arg}={bad!r:.30})")


def _method_cases():
    net = _net()
    for method in ("predict_proba", "predict"):
        for arg, kind in {"X": "X2", "test_rule": "choice", "k": "count", "seed": "seed"}.items():
            for bad in BAD[kind]:
                args = {"X": X2, "test_rule": "mc" if arg in ("k", "seed") else "scale", arg: bad}
                yield pytest.param(getattr(net, method), args, arg, id=f"{method}({arg}={bad!r:.30})")
    for arg, kind in {"X": "X2", "y": "labels"}.items():
        for bad in BAD[kind]:
            yield pytest.param(net.accuracy, {"X": X2, "y": Y2, arg: bad}, arg,
                               id=f"accuracy({arg}={bad!r:.30})")
            yield pytest.param(lambda **kw: ru.evaluate(net, **kw), {"X": X2, "y": Y2, arg: bad}, arg,
                               id=f"evaluate({arg}={bad!r:.30})")
            yield pytest.param(net.loss_and_grads, {"X": X2, "y": Y2, arg: bad}, arg,
                               id=f"loss_and_grads({arg}={bad!r:.30})")


# Cases that need more than one bad argument, or a call out of order.
HAND = [
    (lambda: ru.MLP([2, 4, 2], lam=0.1), "lam"),                         # λ without a penalty
    (lambda: ru.make_penalty("bogus"), "penalty"),
    (lambda: ru.make_penalty(3), "penalty"),
    (lambda: ru.make_penalty("", 0.1), "penalty"),
    (lambda: ru.MLP([2, 4, 2], penalty="l2", lam=-1), "lam"),
    (lambda: ru.MLP([2, "4", 2]), "sizes"),
    (lambda: ru.MLP([2]), "sizes"),
    (lambda: ru.MLP([2, 0, 2]), "sizes"),
    (lambda: ru.MLP([2, 4, 2], dtype=np.int64), "dtype"),
    (lambda: ru.Network([ru.ReLU()]), "layers"),                         # no Dense layer
    (lambda: ru.Network([ru.Dense(2, 3), ru.Dense(4, 2)]), "layers"),    # sizes do not chain
    (lambda: ru.Network("dense"), "layers"),
    (lambda: ru.Dense(2, 3).backward(np.ones((1, 3))), "forward"),        # backward before forward
    (lambda: ru.Dense(2, 3).forward(np.ones((4, 5))), "X"),
    (lambda: _net().predict(np.ones((4, 3))), "X"),
    (lambda: _net().predict_proba(X2, test_rule="mc", k=10**8), "k"),          # unbounded work
    (lambda: ru.rel_error(np.ones(3), np.ones((3, 1))), "shape"),         # broadcasting hides it
    (lambda: ru.SGD(0.1).step({"0.W": np.ones((3, 3))}, {"0.W": np.ones(3)}), "shape"),
    (lambda: ru.SGD(0.1).step({"0.W": np.ones((3, 3))}, {"0.W": np.full((3, 3), np.nan)}), "grad"),
    (lambda: ru.SGD(0.1).step({"0.W": np.ones((3, 3))}, {}), "grad"),
    (lambda: ru.SGD(lr=10, weight_decay=0.2), "weight_decay"),            # η·λ ≥ 1 flips signs
    (lambda: ru.corrupt_labels(np.array([0, 1, 12]), 0.5, n_classes=10), "y"),
    (lambda: _fit(X_test=X2), "y_test"),                                   # half a test set
    (lambda: _fit(y_test=Y2), "X_test"),
    (lambda: _fit(X_test=X2, y_test=Y2[:5]), "y_test"),
    (lambda: _fit(net=ru.Network([ru.ReLU()])), "layers"),
    (lambda: _fit(optimizer="sgd"), "optimizer"),
    (lambda: _fit(callbacks=[3]), "callbacks"),
    (lambda: _fit(until=3), "until"),
    (lambda: _fit(history={"epoch": [1]}), "history"),
    (lambda: ru.check_layer(ru.Dense(2, 3), np.ones((4, 5))), "X"),
    (lambda: ru.check_network(_net(), np.ones((4, 3)), np.zeros(4, int)), "X"),
    (lambda: ru.L2(0.1)(np.array(["a"])), "w"),
    (lambda: ru.flip_horizontal(X64, shape=(9, 9)), "X.shape"),           # 64 pixels are not 9×9
    (lambda: ru.shift(X64, 1, 0, shape=(4, 4)), "X.shape"),
    (lambda: ru.numerical_gradient(lambda: 0.0, np.ones(3, dtype=int)), "x"),  # x ± h rounds to x
    (lambda: ru.Dropout(0.5).backward(np.ones((2, 3))), "forward"),
    (lambda: ru.MLP([2, 4, 2]).loss_and_grads(X2, Y2[:5]), "y"),
    (lambda: ru.MLP([2, 4, 2], loss="mse").loss_and_grads(X2, np.zeros((20, 3))), "y"),
    (lambda: ru.mean_squared_error(np.zeros((4, 2)), np.zeros((4, 3))), "y"),
    (lambda: ru.softmax_cross_entropy(np.zeros((4, 2)), np.array([0, 1, 2, 0])), "y"),
    (lambda: ru.train_test_split(X2, Y2[:5]), "y"),
    (lambda: ru.train_val_test_split(X2, Y2, val_size=0.5, test_size=0.5), "val_size"),
    (lambda: ru.train_val_test_split(X2, Y2[:5]), "y"),
    (lambda: ru.grid_points(None), "extent"),                 # None is only decision_boundary's
    (lambda: plots.decision_boundary(NET, X2, Y2, X_test=X2), "y_test"),   # half a test set
    (lambda: plots.decision_boundary(NET, X2, Y2, y_test=Y2), "X_test"),
    (lambda: plots.decision_boundary(NET, X2, Y2[:5]), "y"),
    (lambda: plots.decision_boundary(NET, X2, Y2, X2, Y2[:5]), "y_test"),
    (lambda: plots.learning_curves({"epoch": [1], "train_acc": [1]}, metric="loss"), "train_loss"),
    (lambda: plots.digit_grid(X64[:4], axes=Figure().subplots(1, 2)), "axes"),  # 2 Axes for 4
    (lambda: plots.weight_histograms({"a": W, "b": W}, axes=[AX]), "axes"),
    (lambda: plots.digit_grid(X64[:4], [1, 2, 3, 4], label_color=["k"] * 3), "label_color"),
]


def _hand_cases():
    for i, (call, arg) in enumerate(HAND):
        yield pytest.param(lambda call=call: call(), {}, arg, id=f"hand{i}-{arg}")


LECTURE_MODULES = [f"regutils.{layer}.{name}" for layer, names in (
    ("lectures", "overfitting norm_penalties weight_decay l1_sparsity augmentation dropout "
                 "dropout_slide quadratic digits"),
    ("figures", "overfitting norm_penalties weight_decay l1_sparsity augmentation dropout quadratic"),
) for name in names.split()]
WRONG_TYPE = {bool: "no", int: "3", float: "0.1"}  # wrong for an argument whose default is of that type


def _lecture_cases():
    """Every lecture and figure function, one argument at a time: each argument with a bool, int
    or float default gets a value of the wrong type (a string), the others keep their defaults.
    Arguments without a default are covered where the notebooks' own calls exercise them."""
    import importlib
    import inspect

    for module_name in LECTURE_MODULES:
        module = importlib.import_module(module_name)
        for name, func in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(func) or func.__module__ != module_name:
                continue
            params = inspect.signature(func).parameters.values()
            if any(p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD
                   for p in params):
                continue
            for p in params:
                bad = WRONG_TYPE.get(type(p.default))
                if bad is not None:
                    yield pytest.param(func, {p.name: bad}, p.name,
                                       id=f"{module_name.split('.', 1)[1]}.{name}-{p.name}")


def _panel_cases():
    """The panel constructors refuse a bad setting before they build a widget."""
    from regutils import panels

    table = {
        panels.penalty_panel: {"dataset": "choice", "penalty": "penalty", "lam": "nonneg",
                               "decoupled": "bool", "n_train": "count", "noise": "nonneg",
                               "seed": "seed", "optimizer": "choice"},
        panels.dropout_panel: {"keep_prob": "keep", "rule": "choice", "test_rule": "choice",
                               "k": "count", "n_train": "count"},
        panels.noise_panel: {"input_sigma": "nonneg", "hidden_sigma": "nonneg", "seed": "seed"},
        panels.corruption_panel: {"fraction": "prob", "seed": "seed"},
    }
    for func, kinds in table.items():
        for arg, kind in kinds.items():
            for i, value in enumerate(BAD[kind][:4]):
                yield pytest.param(func, {arg: value}, arg, id=f"{func.__name__}-{arg}-{i}")


ALL = [*_cases(), *_fit_cases(), *_method_cases(), *_hand_cases(), *_lecture_cases(),
       *_panel_cases()]


def test_at_least_300_distinct_bad_inputs():
    assert len({c.id for c in ALL}) == len(ALL) >= 300


@pytest.mark.timeout(20)
@pytest.mark.parametrize("func, kwargs, arg", ALL)
def test_bad_input_raises_a_clear_error(func, kwargs, arg):
    with pytest.raises((ValueError, TypeError)) as info:
        func(**kwargs)
    assert arg in str(info.value), f"the message should name {arg!r}: {info.value}"


# Inputs that are right to convert: the result must then be the right one, not a silent wrong one.
def test_integer_weights_give_the_float_penalty():
    w = np.full(9, 100, dtype=np.int8)  # Σw² = 90000 overflows in int8
    assert ru.L2(0.1)(w)[0] == pytest.approx(0.5 * 0.1 * 90000)
    assert ru.L1(0.1)(w)[0] == pytest.approx(90.0)


@pytest.mark.parametrize("rule", ["inverted", "vanilla"])
def test_integer_inputs_get_the_right_dropout_scaling(rule):
    layer = ru.Dropout(0.9, rule=rule, seed=0)
    out = layer.forward(np.ones((4000, 50), dtype=np.int64))
    expected = 1.0 if rule == "inverted" else 0.9
    assert out.dtype.kind == "f" and abs(out.mean() - expected) < 0.01


def test_integer_inputs_get_real_noise():
    layer = ru.GaussianNoise(0.1, seed=0)
    out = layer.forward(np.zeros((1000, 10), dtype=np.int64))
    assert abs(out.std() - 0.1) < 0.01


# Valid inputs in other forms still work, and the plots still draw.
@pytest.mark.parametrize("func, kwargs", [pytest.param(f, kw, id=f.__name__) for f, kw, _ in PLOTS])
def test_the_valid_plot_calls_of_the_table_draw(func, kwargs):
    func(**kwargs)


def test_plots_take_float32_points_list_labels_and_numpy_scalars():
    out = plots.decision_boundary(NET, X2.astype(np.float32), list(Y2), X2[:5],
                                  Y2[:5].astype(float), resolution=np.int64(6),
                                  extent=[-2, 3, -2, 2], legend=np.bool_(True), title="moons")
    assert out["image"].get_array().shape == (6, 6) and out["legend"] is not None
    assert len(out["train"].get_offsets()) == 20 and len(out["test"].get_offsets()) == 5
    out["image"].figure.canvas.draw()  # Agg: the figure renders
    lines = plots.learning_curves({"epoch": [1, 2], "train_loss": [0.7, np.nan]}, metric="loss")
    assert lines["test"] is None and len(lines["train"].get_xdata()) == 2
    axes = plots.digit_grid(X64[:3].reshape(3, 8, 8), ["a", "b", "c"], ncols=np.int32(3), nrows=1,
                            label_color=["k", "C1", (1, 0, 0)])
    assert [ax.get_title() for ax in axes] == ["a", "b", "c"]


def test_weight_histograms_draw_all_zero_weights():
    bars = plots.weight_histograms({"all pruned": np.zeros(10, np.float32)}, bins=np.int64(5))
    assert sum(p.get_height() for p in bars[0]) == 10


def test_grid_points_take_any_form_of_the_extent():
    g = ru.grid_points((0, 1, 0, 1), 3)
    assert ru.grid_points([0, 1, 0, 1], np.int64(3)) is g  # the same cached, read-only grid
    assert ru.grid_points(np.array([0, 1, 0, 1.0]), 3, "float32").dtype == np.float32
