"""fit's guards and bookkeeping: runaway training is stopped with a message naming η and the
strength in play, history keys stay aligned, a resumed run continues its random stream, and early
stopping on a validation split restores the best weights."""
import numpy as np
import pytest

import regutils as ru


@pytest.fixture(scope="module")
def moons():
    return ru.make_moons(200, noise=0.25, seed=0)


def test_runaway_weights_without_nan_are_detected(moons):
    """SGD at η = 100 ends with weights of 1e13 and more but a finite loss for a while."""
    with pytest.raises(ru.TrainingDiverged, match=r"lr=100.*no regularization.*smaller η"):
        ru.fit(ru.MLP([2, 64, 64, 2], seed=0), ru.SGD(lr=100), *moons, epochs=100, batch_size=50)


def test_a_working_run_is_not_called_diverged(moons):
    h = ru.fit(ru.MLP([2, 64, 64, 2], seed=0), ru.SGD(lr=0.1, momentum=0.9), *moons, epochs=100,
               batch_size=20)
    assert h["train_acc"][-1] > 0.9


@pytest.mark.parametrize("optimizer, named", [
    (lambda: ru.SGD(lr=100.0, weight_decay=0.001), "weight_decay=0.001"),
    (lambda: ru.Adam(lr=50.0, prox_l1=0.01), "prox_l1=0.01"),
])
def test_the_message_names_the_strength_in_play(moons, optimizer, named):
    with pytest.raises(ru.TrainingDiverged) as info:
        ru.fit(ru.MLP([2, 32, 2], seed=0), optimizer(), *moons, epochs=200, batch_size=20)
    assert named in str(info.value) and "λ=" not in str(info.value)


def test_history_keys_stay_aligned_when_a_callback_skips_or_is_interrupted(moons):
    calls = []

    def sometimes(epoch, net, history):
        calls.append(epoch)
        if epoch == 4:
            raise KeyboardInterrupt
        return {"extra": float(epoch)} if epoch % 2 else None

    h = ru.History()
    with pytest.raises(KeyboardInterrupt):
        ru.fit(ru.MLP([2, 8, 2], seed=0), ru.SGD(0.1), *moons, epochs=6, callbacks=sometimes,
               history=h)
    assert h["epoch"] == [1, 2, 3, 4]
    assert all(len(v) == 4 for v in h.values())
    np.testing.assert_array_equal(h["extra"], [1.0, np.nan, 3.0, np.nan])


def test_a_resumed_run_continues_the_same_random_stream(moons):
    def run(splits):
        net, opt, h = ru.MLP([2, 16, 2], keep_prob=0.8, seed=0), ru.SGD(0.1, momentum=0.9), None
        for epochs in splits:
            h = ru.fit(net, opt, *moons, epochs=epochs, batch_size=32, seed=3, history=h,
                       augment=ru.Jitter(0.05))
        return h, net

    (h1, net1), (h2, net2) = run([6]), run([2, 4])
    assert h1["epoch"] == h2["epoch"]
    np.testing.assert_array_equal(h1["train_loss"], h2["train_loss"])
    for name, w in net1.parameters().items():
        np.testing.assert_array_equal(w, net2.parameters()[name])


def test_a_new_seed_on_resume_starts_a_new_stream(moons):
    net, opt = ru.MLP([2, 16, 2], seed=0), ru.SGD(0.1)
    h = ru.fit(net, opt, *moons, epochs=2, batch_size=32, seed=3)
    first = h.rng
    ru.fit(net, opt, *moons, epochs=2, batch_size=32, seed=4, history=h)
    assert h.rng is not first and h.seed == 4


def test_early_stopping_restores_the_best_validation_weights():
    X, y = ru.make_moons(60, noise=0.4, seed=0)
    X_val, y_val = ru.make_moons(300, noise=0.4, seed=1)
    net = ru.MLP([2, 128, 128, 2], seed=0)
    h = ru.fit(net, ru.Adam(lr=0.01), X, y, epochs=2000, validation=(X_val, y_val), patience=50)
    assert h.epochs < 2000, "the validation loss stopped improving long before 2000 epochs"
    best = int(np.argmin(h["val_loss"]))
    assert h.best_epoch == h["epoch"][best] and h.epochs - h.best_epoch == 50
    loss, _ = ru.evaluate(net, X_val, y_val)
    assert loss == pytest.approx(h["val_loss"][best], rel=1e-12)
    assert loss < h["val_loss"][-1], "the final weights were worse and were replaced"


@pytest.mark.parametrize("kwargs, name", [
    ({"X_test": None, "y_test": np.zeros(200, int)}, "X_test"),
    ({"validation": "val"}, "validation"),
    ({"patience": 5}, "patience"),
    ({"optimizer": "adam"}, "optimizer"),
    ({"history": {}}, "history"),
    ({"augment": 3}, "augment"),
])
def test_bad_fit_arguments(moons, kwargs, name):
    args = {"net": ru.MLP([2, 4, 2]), "optimizer": ru.SGD(0.1), "X": moons[0], "y": moons[1],
            "epochs": 1, **kwargs}
    with pytest.raises((ValueError, TypeError), match=name):
        ru.fit(**args)
