"""The fit loop and the behaviour the lecture claims: larger λ → smaller weights, L1 → sparser
weights than L2, seeded reproducibility, mini-batches, augmentation, callbacks, early stop, warm
start, and a readable error when training diverges."""
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import regutils as ru


@pytest.fixture(scope="module")
def moons():
    X, y = ru.make_moons(200, noise=0.2, seed=0)
    return X, y


def flat_weights(net):
    return np.concatenate([w.ravel() for w in net.weights()])


# -- history -----------------------------------------------------------------------------------
def test_history_records_every_epoch(moons):
    X, y = moons
    Xt, yt = ru.make_moons(100, noise=0.2, seed=1)
    net = ru.MLP([2, 16, 2], seed=0)
    h = ru.fit(net, ru.SGD(lr=0.5), X, y, Xt, yt, epochs=5)
    assert isinstance(h, ru.History) and h.epochs == 5
    assert h["epoch"] == [1, 2, 3, 4, 5]
    for key in ("objective", "train_loss", "train_acc", "test_loss", "test_acc"):
        assert len(h[key]) == 5, key
    train_loss, train_acc = ru.evaluate(net, X, y)
    assert h["train_loss"][-1] == train_loss and h["train_acc"][-1] == train_acc
    assert h["test_acc"][-1] == net.accuracy(Xt, yt)
    assert "5 epochs" in repr(h)
    assert "test_acc" not in ru.fit(ru.MLP([2, 4, 2]), ru.SGD(lr=0.1), X, y, epochs=1)


def test_eval_every_records_every_kth_epoch_and_the_last(moons):
    X, y = moons
    calls = []
    h = ru.fit(ru.MLP([2, 16, 2], seed=0), ru.SGD(lr=0.5), X, y, epochs=7, eval_every=3,
               callbacks=lambda epoch, net, history: calls.append(epoch))
    assert h["epoch"] == [3, 6, 7] and calls == [3, 6, 7] and h.epochs == 7
    # the same training as recording every epoch: the recorded values agree
    full = ru.fit(ru.MLP([2, 16, 2], seed=0), ru.SGD(lr=0.5), X, y, epochs=7)
    assert [full["train_loss"][e - 1] for e in (3, 6, 7)] == h["train_loss"]
    # warm start goes on from the last recorded epoch
    ru.fit(ru.MLP([2, 16, 2], seed=0), ru.SGD(lr=0.5), X, y, epochs=2, history=h, eval_every=3)
    assert h["epoch"] == [3, 6, 7, 9]


def test_training_learns_the_moons(moons):
    X, y = moons
    net = ru.MLP([2, 32, 32, 2], keep_prob=0.9, penalty="l2", lam=1e-4, seed=0)
    h = ru.fit(net, ru.SGD(lr=0.1, momentum=0.9), X, y, epochs=150, batch_size=50)
    assert h["train_loss"][-1] < 0.5 * h["train_loss"][0]
    assert h["train_acc"][-1] > 0.95


def test_objective_is_the_regularized_loss_before_the_step(moons):
    """Full batch, no noise: the first epoch's objective is L̃ = L + λΩ at the initial weights."""
    X, y = moons
    lam = 0.05
    net = ru.MLP([2, 8, 2], penalty="l2", lam=lam, seed=0)
    L0 = net.data_loss(X, y)
    omega = 0.5 * sum(float(np.sum(w**2)) for w in net.weights())
    h = ru.fit(net, ru.SGD(lr=0.1), X, y, epochs=1)
    assert h["objective"][0] == pytest.approx(L0 + lam * omega, rel=1e-12)
    assert h["train_loss"][0] == pytest.approx(net.data_loss(X, y), rel=1e-12)  # L without λΩ


def test_evaluate_restores_the_mode(moons):
    X, y = moons
    net = ru.MLP([2, 8, 2], keep_prob=0.5, seed=0)
    ru.evaluate(net, X, y)
    assert net.training
    net.eval()
    ru.evaluate(net, X, y)
    assert not net.training


def test_fit_regression_with_mse():
    x = np.linspace(-1, 1, 50)[:, None]
    t = np.sin(3 * x[:, 0])
    net = ru.MLP([1, 32, 1], activation="tanh", loss="mse", seed=0)
    h = ru.fit(net, ru.Adam(lr=0.01), x, t, epochs=300)
    assert h["train_loss"][-1] < 0.1 * h["train_loss"][0]
    assert np.isnan(h["train_acc"][-1])


# -- the lecture's claims ----------------------------------------------------------------------
@pytest.mark.parametrize("penalty", ["l2", "l1"])
def test_larger_lambda_gives_smaller_weights(moons, penalty):
    X, y = moons
    norms = []
    for lam in (0.0, 1e-3, 1e-2, 3e-2, 1e-1):
        net = ru.MLP([2, 32, 32, 2], penalty=penalty, lam=lam, seed=0)
        ru.fit(net, ru.SGD(lr=0.1, momentum=0.9), X, y, epochs=200)
        norms.append(np.linalg.norm(flat_weights(net)))
    assert all(a > b for a, b in zip(norms, norms[1:])), norms
    assert norms[-1] < 0.5 * norms[0], norms


def test_l1_gives_more_near_zero_weights_than_l2_at_a_matched_penalty(moons):
    """Matched penalty: λ₁ is chosen so that both penalties have the same value at the common
    initial weights w₀, λ₁‖w₀‖₁ = λ₂·½‖w₀‖². Measured after 300 epochs: L1 ≈ 85% of the weights
    below 1e-3 in size, L2 ≈ 2%, at the same training accuracy (and L1's weights are not simply
    smaller: its ‖w‖₂ is larger)."""
    X, y = moons
    lam2 = 1e-2
    w0 = flat_weights(ru.MLP([2, 32, 32, 2], seed=0))
    lam1 = lam2 * 0.5 * np.sum(w0**2) / np.sum(np.abs(w0))
    result = {}
    for name, lam in (("l2", lam2), ("l1", lam1)):
        net = ru.MLP([2, 32, 32, 2], penalty=name, lam=lam, seed=0)
        assert net.penalty_value() == pytest.approx(lam2 * 0.5 * np.sum(w0**2))
        h = ru.fit(net, ru.SGD(lr=0.1, momentum=0.9), X, y, epochs=300)
        w = flat_weights(net)
        result[name] = (np.mean(np.abs(w) < 1e-3), h["train_acc"][-1], np.linalg.norm(w))
    (zeros2, acc2, norm2), (zeros1, acc1, norm1) = result["l2"], result["l1"]
    assert zeros1 > 0.5 and zeros1 > 5 * zeros2, result
    assert acc1 > 0.95 and acc2 > 0.95, result
    assert norm1 > norm2, result


def test_same_seed_same_history_bit_for_bit(moons):
    X, y = moons
    Xt, yt = ru.make_moons(100, noise=0.2, seed=1)

    def run(net_seed, fit_seed):
        net = ru.MLP([2, 16, 16, 2], keep_prob=0.7, hidden_sigma=0.1, input_sigma=0.05,
                     penalty="l2", lam=1e-3, seed=net_seed)
        h = ru.fit(net, ru.Adam(lr=0.01), X, y, Xt, yt, epochs=8, batch_size=32, seed=fit_seed,
                   augment=ru.Jitter(0.05))
        return dict(h), flat_weights(net)

    (h1, w1), (h2, w2) = run(0, 0), run(0, 0)
    assert h1 == h2  # lists of Python floats compared exactly
    np.testing.assert_array_equal(w1, w2)
    assert run(0, 1)[0]["objective"] != h1["objective"]  # another shuffling/augmentation seed
    assert run(1, 0)[0]["objective"] != h1["objective"]  # another network seed


def test_fit_seed_accepts_a_generator(moons):
    X, y = moons
    runs = [ru.fit(ru.MLP([2, 8, 2], seed=0), ru.SGD(lr=0.1), X, y, epochs=3, batch_size=40,
                   seed=np.random.default_rng(5)) for _ in range(2)]
    assert runs[0] == runs[1]


# -- mini-batches, augmentation, callbacks -----------------------------------------------------
def _record_batches(net):
    """Wrap ``net.loss_and_grads`` to record the batches fit hands it."""
    seen = []
    original = net.loss_and_grads

    def recording(Xb, yb):
        seen.append((Xb.copy(), np.array(yb).copy()))
        return original(Xb, yb)

    net.loss_and_grads = recording
    return seen


def test_mini_batches_cover_every_row_once_per_epoch():
    n, batch = 103, 20
    X = np.c_[np.arange(n, dtype=float), np.zeros(n)]  # column 0 identifies the row
    y = np.arange(n) % 2
    net = ru.MLP([2, 4, 2], seed=0)
    seen = _record_batches(net)
    ru.fit(net, ru.SGD(lr=1e-6), X, y, epochs=3, batch_size=batch, seed=0)
    per_epoch = -(-n // batch)
    assert len(seen) == 3 * per_epoch
    orders = []
    for e in range(3):
        batches = seen[e * per_epoch:(e + 1) * per_epoch]
        assert [len(b[0]) for b in batches] == [batch] * (per_epoch - 1) + [n - batch * (per_epoch - 1)]
        rows = np.concatenate([b[0][:, 0] for b in batches]).astype(int)
        np.testing.assert_array_equal(np.sort(rows), np.arange(n))  # each row exactly once
        np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), rows % 2)  # labels follow
        orders.append(rows)
    assert not np.array_equal(orders[0], orders[1])  # reshuffled every epoch
    assert not np.array_equal(orders[0], np.arange(n))


def test_full_batch_uses_all_rows_in_order(moons):
    X, y = moons
    net = ru.MLP([2, 4, 2], seed=0)
    seen = _record_batches(net)
    ru.fit(net, ru.SGD(lr=0.1), X, y, epochs=2)
    assert len(seen) == 2
    for Xb, yb in seen:
        np.testing.assert_array_equal(Xb, X)
        np.testing.assert_array_equal(yb, y)


def test_augmentation_hook_runs_once_per_epoch_with_fresh_draws(moons):
    X, y = moons
    calls = []

    def hook(Xa, ya, rng):
        out = Xa + rng.standard_normal(Xa.shape) * 0.1
        calls.append(out)
        return out, ya

    net = ru.MLP([2, 8, 2], seed=0)
    seen = _record_batches(net)
    ru.fit(net, ru.SGD(lr=0.1), X, y, epochs=4, seed=0, augment=hook)
    assert len(calls) == 4
    for a, b in zip(calls, calls[1:]):
        assert not np.array_equal(a, b)  # fresh noise every epoch
    for (Xb, _), augmented in zip(seen, calls):
        np.testing.assert_array_equal(Xb, augmented)  # training sees the augmented inputs


def test_callbacks_results_land_in_the_history(moons):
    X, y = moons
    received = []

    def norm_callback(epoch, net, history):
        received.append((epoch, history.epochs))
        return {"w_norm": float(np.linalg.norm(flat_weights(net)))}

    net = ru.MLP([2, 8, 2], seed=0)
    h = ru.fit(net, ru.SGD(lr=0.1), X, y, epochs=3, callbacks=[norm_callback, lambda e, n, h: None])
    assert received == [(1, 1), (2, 2), (3, 3)]
    assert len(h["w_norm"]) == 3
    assert h["w_norm"][-1] == pytest.approx(np.linalg.norm(flat_weights(net)))
    h = ru.fit(ru.MLP([2, 8, 2]), ru.SGD(lr=0.1), X, y, epochs=2, callbacks=norm_callback)
    assert len(h["w_norm"]) == 2  # a single callable works too


def test_until_stops_early(moons):
    X, y = moons
    h = ru.fit(ru.MLP([2, 8, 2], seed=0), ru.SGD(lr=0.1), X, y, epochs=50,
               until=lambda history: history.epochs >= 3)
    assert h.epochs == 3 and h["epoch"] == [1, 2, 3]


def test_warm_start_continues_the_epochs_and_the_training(moons):
    X, y = moons
    net = ru.MLP([2, 8, 2], seed=0)
    opt = ru.SGD(lr=0.1, momentum=0.9)
    h = ru.fit(net, opt, X, y, epochs=3)
    h2 = ru.fit(net, opt, X, y, epochs=2, history=h)
    assert h2 is h and h["epoch"] == [1, 2, 3, 4, 5]
    assert len(h["train_loss"]) == 5
    straight = ru.MLP([2, 8, 2], seed=0)
    h_straight = ru.fit(straight, ru.SGD(lr=0.1, momentum=0.9), X, y, epochs=5)
    np.testing.assert_allclose(h["train_loss"], h_straight["train_loss"], rtol=1e-12)


# -- divergence --------------------------------------------------------------------------------
@pytest.mark.parametrize("lr, lam", [(1e6, 0.0), (0.1, 1e6)])
def test_divergence_raises_a_readable_error_without_warnings(moons, lr, lam):
    X, y = moons
    net = ru.MLP([2, 16, 2], penalty="l2", lam=lam, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning (overflow, invalid value) fails
        with pytest.raises(ru.TrainingDiverged) as info:
            ru.fit(net, ru.SGD(lr=lr), X, y, epochs=50)
    message = str(info.value)
    assert "diverged" in message
    assert "learning rate" in message and f"lr={lr:g}" in message
    assert (f"λ={lam:g}" in message) if lam else ("no regularization" in message)
    assert "smaller" in message


def test_divergence_is_a_floating_point_error():
    assert issubclass(ru.TrainingDiverged, FloatingPointError)


# -- no global state ---------------------------------------------------------------------------
def test_importing_and_using_regutils_changes_no_global_state():
    """In a fresh interpreter: numpy's global RNG state and matplotlib's rcParams are the same
    before and after importing regutils and every one of its modules and training a seeded
    network."""
    code = textwrap.dedent("""
        import importlib, pickle, pkgutil
        import numpy as np
        import matplotlib
        rc_before = {k: repr(v) for k, v in matplotlib.rcParams.items()}
        np.random.seed(1234)
        rng_before = pickle.dumps(np.random.get_state())
        import regutils as ru
        for module in pkgutil.iter_modules(ru.__path__):
            importlib.import_module("regutils." + module.name)
        X, y = ru.make_moons(50, seed=0)
        net = ru.MLP([2, 8, 2], keep_prob=0.8, hidden_sigma=0.1, seed=0)
        ru.fit(net, ru.Adam(lr=0.01), X, y, epochs=2, batch_size=10, augment=ru.Jitter(0.1))
        net.predict_proba(X, test_rule="mc", k=3)
        ru.train_test_split(X, y); ru.corrupt_labels(y, 0.5); ru.load_digits()
        rng_after = pickle.dumps(np.random.get_state())
        rc_after = {k: repr(v) for k, v in matplotlib.rcParams.items()}
        changed = sorted(k for k in rc_before if rc_before[k] != rc_after.get(k))
        print("rng", rng_before == rng_after)
        print("rc", changed)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "rng True" in out.stdout, out.stdout
    assert "rc []" in out.stdout, out.stdout
