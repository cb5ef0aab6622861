"""regutils.lectures.norm_penalties (notebook 02): the four distances to zero, the Lipschitz bound
and the measured slopes, the validation sweep, the scaled path to the constant, the unit report;
and the notebook's claims re-run over seeds it does not use (3, 4, 5)."""
import numpy as np
import pytest

import regutils as ru
from regutils.lectures import norm_penalties as normp

OTHER_SEEDS = (3, 4, 5)


def test_norms_by_hand():
    n = normp.norms([np.array([[3.0, -4.0], [0.0, 0.0]]), np.array([1e-4])])
    assert n["L2"] == pytest.approx(5.0, abs=1e-6)       # √(9 + 16 + 1e-8)
    assert n["L1"] == pytest.approx(7.0001)
    assert n["Linf"] == 4.0
    assert n["L0"] == 2                                  # 0, 0 and 1e-4 (≤ tol) are not counted
    assert n["size"] == 5
    assert normp.norms([np.array([1e-4])], tol=0)["L0"] == 1


def test_lipschitz_bound_is_the_product_of_spectral_norms_and_the_gradient_is_exact():
    net = ru.MLP([2, 5, 4, 2], seed=7)
    Ws = net.weights()
    assert normp.lipschitz_bound(net) == pytest.approx(
        np.prod([np.linalg.svd(W, compute_uv=False)[0] for W in Ws]))
    X = np.random.default_rng(0).normal(size=(40, 2))
    slopes = normp.largest_slope(net, X)
    # the Jacobian's norm by centred differences at the point where it is largest
    norms = []
    for x in X:
        J = np.stack([(net.forward(x[None] + h)[0] - net.forward(x[None] - h)[0]) / 2e-6
                      for h in (np.array([1e-6, 0.0]), np.array([0.0, 1e-6]))], axis=1)
        norms.append(np.linalg.norm(J, 2))
    assert slopes["gradient"] == pytest.approx(max(norms), rel=1e-5)
    assert slopes["pairs"] <= normp.lipschitz_bound(net)
    F = net.forward(X)
    assert slopes["pairs"] >= np.linalg.norm(F[0] - F[1]) / np.linalg.norm(X[0] - X[1])


def test_a_zero_layer_gives_a_zero_bound_and_a_flat_function():
    net = ru.MLP([2, 4, 2], seed=0)
    net.weights()[0][...] = 0
    X = np.random.default_rng(1).normal(size=(10, 2))
    assert normp.lipschitz_bound(net) == 0
    assert normp.largest_slope(net, X) == {"pairs": 0.0, "gradient": 0.0}


def test_smoothness_claim_over_other_seeds():
    """Notebook: the bound holds, and the bound and the measured slope fall as λ grows, by more
    than the seeds' spread."""
    X, y = ru.make_moons(200, noise=0.25, seed=0)
    lams = [0.0, 0.01, 0.1]
    runs = [normp.constant_function(X, y, lams, sizes=(2, 64, 64, 2), epochs=500, lr=0.01, seed=s)
            for s in OTHER_SEEDS]
    sm = normp.smoothness(runs, X)
    assert sm["bound"].shape == (3, 3)
    assert np.all(sm["gradient"] <= sm["bound"] * (1 + 1e-9))
    assert np.all(sm["pairs"] <= sm["bound"] * (1 + 1e-9))
    for values in (sm["bound"], sm["gradient"]):
        m, sd = values.mean(axis=0), values.std(axis=0)
        assert np.all(m[1:] + 2 * sd[1:] < m[:-1] - 2 * sd[:-1])


def test_penalty_study_claims_over_other_seeds():
    """Notebook cells on the distance to zero and on Adam vs SGD, on seeds 3, 4, 5."""
    X, y = ru.make_moons(200, noise=0.25, seed=0)
    st = normp.penalty_study(X, y, seeds=OTHER_SEEDS)

    def below(a, b):
        return a.mean() + 2 * a.std() < b.mean() - 2 * b.std()

    n0, n2, n1 = (st[("adam", p)] for p in ("none", "l2", "l1"))
    assert below(n2["L2"], n1["L2"]) and below(n1["L2"], n0["L2"])
    assert below(n1["L1"], n2["L1"]) and below(n2["L1"], n0["L1"])
    a2, a1, s2, s1 = (st[k] for k in (("adam", "l2"), ("adam", "l1"), ("sgd", "l2"), ("sgd", "l1")))
    assert below(s2["small"], s1["small"] - 0.3)          # SGD: L1 zeroes far more than L2
    assert below(s2["off"], a2["off"])                    # Adam + L2 switches off units
    assert below(a1["tiny"], a2["tiny"]) and below(s2["tiny"], a2["tiny"])
    assert set(st) == {(o, p) for o in ("adam", "sgd") for p in ("none", "l2", "l1")}


def test_lambda_sweep_chooses_on_validation_and_reports_only_the_chosen_test_error():
    sw = normp.lambda_sweep(lams=(1e-3, 0.01, 1.0), n_train=30, n_val=200, n_test=1000,
                            seeds=OTHER_SEEDS, epochs=300)
    assert sw["split"] == {"train": 30, "val": 200, "test": 1000}
    assert sw["best_index"] == int(np.argmin(sw["val_err"].mean(axis=0)))
    assert sw["test_err"].shape == (3,) and sw["test_mean"] == pytest.approx(sw["test_err"].mean())
    assert np.all(sw["val_err"][:, -1] == 0.5) or sw["val_err"][:, -1].mean() > 0.45  # constant
    assert sw["val_mean"][-1] > sw["val_mean"][sw["best_index"]] + 0.2
    assert len(sw["nets"]) == 3 and len(sw["X_train"]) == 30


def test_scaled_objective_runs_from_the_constant_to_the_trained_net():
    X, y = ru.make_moons(50, noise=0.2, seed=0)
    net = normp.train_2d(X, y, lam=0.01, sizes=(2, 8, 8, 2), epochs=50)
    before = [W.copy() for W in net.weights()]
    path = normp.scaled_objective(net, X, y, 0.01, scales=(0.0, 1.0))
    assert path[1] == pytest.approx(net.loss_and_grads(X, y)[0])
    for W in net.weights():
        W[...] = 0
    assert path[0] == pytest.approx(net.data_loss(X, y))
    for W, W0 in zip(net.weights(), before):
        W[...] = W0
    after = normp.scaled_objective(net, X, y, 0.01, scales=(1.0,))
    assert after[0] == pytest.approx(path[1])                # the net was left unchanged


def test_unit_report_tells_dead_from_switched_off():
    net = ru.MLP([2, 3, 2], seed=0)
    dense = [layer for layer in net.layers if isinstance(layer, ru.Dense)][0]
    dense.params["W"][:, 0] = 0                              # off, output ReLU(b) = 0.5
    dense.params["b"][0] = 0.5
    dense.params["W"][:, 1] = 0                              # off and dead: ReLU(−1) = 0
    dense.params["b"][1] = -1.0
    X = np.random.default_rng(0).normal(size=(20, 2))
    (layer,) = normp.unit_report(net, X)
    assert layer["off"] == 2 and layer["dead"] == 1 and layer["units"] == 3
    assert layer["in_norm"][:2].tolist() == [0.0, 0.0] and layer["in_norm"][2] > 0


@pytest.mark.parametrize("call, name", [
    (lambda: normp.lambda_sweep(n_val="3"), "n_val"),
    (lambda: normp.lambda_sweep(seeds=()), "seeds"),
    (lambda: normp.lambda_sweep(lams="0.1"), "lams"),
    (lambda: normp.penalty_study(np.zeros((4, 2)), np.zeros(4, int), optimizers=(("rmsprop", 0.1),)),
     "optimizers"),
    (lambda: normp.constant_function(np.zeros((4, 2)), np.zeros(4, int), [0.1], epochs="3"), "epochs"),
    (lambda: normp.constant_function(np.zeros((4, 2)), np.zeros(4, int), [0.1], bogus=1),
     "keyword"),
    (lambda: normp.smoothness([], np.zeros((4, 2))), "runs"),
])
def test_bad_arguments_are_named_before_any_training(call, name):
    with pytest.raises((TypeError, ValueError), match=name):
        call()


def test_moved_circles_claim_over_other_seeds():
    """Notebook cell "data moved": Ω(w) alone does not care where the data lie, Ω(w) + Ω(b) costs
    accuracy on the circles moved to (4, 4) — the notebook's settings on seeds 3, 4, 5."""
    bias = normp.bias_penalty(offset=(4.0, 4.0), lam=0.01, dataset="circles", noise=0.1, n_train=200,
                              seeds=OTHER_SEEDS, sizes=(2, 32, 2), epochs=1000, lr=0.05)
    assert abs(bias[("centred", False)] - bias[("centred", True)]) < 0.02, bias
    assert bias[("moved", False)] > bias[("centred", False)] - 0.02, bias
    assert bias[("moved", True)] < bias[("moved", False)] - 0.15, bias


def test_cliff_is_priced_against_the_constant_over_other_seeds():
    """Notebook cell on the cliff between λ = 0.1 and 0.32: the net trained at λ = 0.1, priced at
    L + λΩ, beats the constant (ln 2) at λ = 0.1 and loses to it at λ = 0.32, where the trained
    net is the constant — the mean over seeds 3, 4, 5, as in the notebook."""
    lams = (0.1, float(np.sqrt(0.1)))
    sw = normp.lambda_sweep(lams=lams, n_train=30, n_val=200, n_test=1000, noise=0.3,
                            seeds=OTHER_SEEDS, sizes=(2, 64, 64, 2), epochs=600, lr=0.01)
    L, om = sw["data_loss"][:, 0].mean(), sw["omega"][:, 0].mean()
    assert L + lams[0] * om < np.log(2) < L + lams[1] * om, (L, om)
    assert sw["train_mean"][1] == pytest.approx(0.5, abs=0.05), "at λ = 0.32 the net is the constant"
