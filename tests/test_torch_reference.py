"""PyTorch as an independent reference (float64).

The same network is rebuilt in torch from regutils' weights; the dropout masks regutils drew are
read as 0/1 keep patterns and applied in torch by the lecture's rules (U/p for inverted, U for
vanilla) as fixed multipliers; the Gaussian noise samples are added as constants. The loss and
every gradient must match torch autograd to 1e-6. Then single optimizer steps are compared with
torch.optim. Skips on a student's machine without torch; fails in CI (REGUTILS_REQUIRE_ALL=1).
"""
import numpy as np
import pytest
from optional import require_module

import regutils as ru
from regutils.gradcheck import rel_error

pytestmark = pytest.mark.torch
TOL = 1e-6


@pytest.fixture(scope="module")
def torch():
    return require_module("torch", "pip install torch==2.13.0")


def rng(seed=0):
    return np.random.default_rng(seed)


def torch_loss(torch, net, X, y, loss, penalty, lam):
    """The regutils network's training-mode forward, rebuilt in torch with regutils' held samples.

    Returns (L̃, {name: tensor with requires_grad}) in regutils' parameter names.
    """
    F = torch.nn.functional
    params = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True)
              for name, value in net.parameters().items()}
    h = torch.tensor(X, dtype=torch.float64)
    for i, layer in enumerate(net.layers):
        if isinstance(layer, ru.Dense):
            h = h @ params[f"{i}.W"] + params[f"{i}.b"]
        elif isinstance(layer, ru.ReLU):
            h = torch.relu(h)
        elif isinstance(layer, ru.Tanh):
            h = torch.tanh(h)
        elif isinstance(layer, ru.Dropout):
            keep = torch.tensor((layer.mask != 0).astype(np.float64))  # U = 1 where a unit is kept
            h = h * (keep / layer.keep_prob if layer.rule == "inverted" else keep)
        elif isinstance(layer, ru.GaussianNoise):
            h = h + torch.tensor(layer.noise)
        else:
            raise AssertionError(f"unexpected layer {layer!r}")
    if loss == "cross_entropy":
        value = F.cross_entropy(h, torch.tensor(y))
    else:
        value = F.mse_loss(h, torch.tensor(y, dtype=torch.float64))
    weights = [p for name, p in params.items() if name.endswith("W")]
    if penalty == "l2":
        value = value + 0.5 * lam * sum((W**2).sum() for W in weights)
    elif penalty == "l1":
        value = value + lam * sum(W.abs().sum() for W in weights)
    value.backward()
    return value.item(), {name: p.grad.numpy() for name, p in params.items()}


CASES = {
    "ce+l2+inverted+noise": dict(loss="cross_entropy", penalty="l2", keep_prob=0.7,
                                 rule="inverted", input_sigma=0.1, hidden_sigma=0.2),
    "ce+l1+vanilla+noise": dict(loss="cross_entropy", penalty="l1", keep_prob=0.6,
                                rule="vanilla", input_sigma=0.1, hidden_sigma=0.2),
    "mse+l2+vanilla": dict(loss="mse", penalty="l2", keep_prob=0.5, rule="vanilla",
                           activation="tanh"),
    "mse+l1+inverted": dict(loss="mse", penalty="l1", keep_prob=0.8, hidden_sigma=0.3),
    "ce+none": dict(loss="cross_entropy", penalty="none"),
    "ce+l2+input-dropout": dict(loss="cross_entropy", penalty="l2", input_keep_prob=0.8,
                                keep_prob=0.7),
}


@pytest.mark.parametrize("case", list(CASES))
def test_loss_and_gradients_match_torch_autograd(torch, case):
    kwargs = dict(CASES[case])
    loss, penalty = kwargs["loss"], kwargs["penalty"]
    lam = 0.03 if penalty != "none" else 0.0  # a λ without a penalty is an error
    net = ru.MLP([5, 8, 6, 3], lam=lam, seed=11, **kwargs)
    for layer in net.layers:
        if layer.params:
            layer.params["b"][:] = 0.1 * rng(1).standard_normal(layer.params["b"].shape)
    X = rng(2).standard_normal((16, 5))
    y = rng(3).integers(0, 3, 16) if loss == "cross_entropy" else rng(3).standard_normal((16, 3))
    net.train()
    value, grads = net.loss_and_grads(X, y)
    ref_value, ref_grads = torch_loss(torch, net, X, y, loss, penalty, lam)
    assert abs(value - ref_value) <= TOL * abs(ref_value), (value, ref_value)
    assert set(grads) == set(ref_grads)
    for name in ref_grads:
        assert rel_error(grads[name], ref_grads[name]) < TOL, name
        np.testing.assert_allclose(grads[name], ref_grads[name], rtol=TOL, atol=1e-12)


def test_dropout_really_drops_in_the_reference_case(torch):
    """Guard for the test above: the masks used there are neither all ones nor all zeros."""
    net = ru.MLP([5, 8, 6, 3], keep_prob=0.7, seed=11)
    net.forward(rng(2).standard_normal((16, 5)))
    for layer in net.layers:
        if isinstance(layer, ru.Dropout):
            assert 0.4 < np.mean(layer.mask != 0) < 0.95


# -- one optimizer step against torch.optim ----------------------------------------------------
def _params(seed=0):
    r = rng(seed)
    return {"0.W": r.standard_normal((4, 3)), "0.b": r.standard_normal(3),
            "2.W": r.standard_normal((3, 2)), "2.b": r.standard_normal(2)}


def _grad_sequence(params, steps, seed=10):
    return [{k: rng(seed + t).standard_normal(v.shape) for k, v in params.items()}
            for t in range(steps)]


def _run_both(torch, ours, make_torch_opt, steps=3):
    """Apply the same gradients with our optimizer and with a torch.optim optimizer."""
    params = _params()
    tparams = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in params.items()}
    topt = make_torch_opt(tparams)
    for grads in _grad_sequence(params, steps):
        ours.step(params, grads)
        for k, p in tparams.items():
            p.grad = torch.tensor(grads[k])
        topt.step()
    for k in params:
        np.testing.assert_allclose(params[k], tparams[k].detach().numpy(), rtol=1e-12, atol=1e-14)
    return params


def _groups(tparams, weight_decay):
    """Param groups so that torch decays the weights only (regutils never decays biases)."""
    return [{"params": [p for k, p in tparams.items() if k.endswith("W")],
             "weight_decay": weight_decay},
            {"params": [p for k, p in tparams.items() if k.endswith("b")], "weight_decay": 0.0}]


def test_sgd_momentum_step_matches_torch(torch):
    _run_both(torch, ru.SGD(lr=0.1, momentum=0.9),
              lambda tp: torch.optim.SGD(list(tp.values()), lr=0.1, momentum=0.9))


def test_adam_step_matches_torch(torch):
    _run_both(torch, ru.Adam(lr=0.01, beta1=0.85, beta2=0.99, eps=1e-7),
              lambda tp: torch.optim.Adam(list(tp.values()), lr=0.01, betas=(0.85, 0.99), eps=1e-7))


def test_adamw_step_matches_torch(torch):
    _run_both(torch, ru.AdamW(lr=0.01, weight_decay=0.1),
              lambda tp: torch.optim.AdamW(_groups(tp, 0.1), lr=0.01))


def test_adamw_default_matches_torch_default(torch):
    _run_both(torch, ru.AdamW(lr=0.01),
              lambda tp: torch.optim.AdamW(_groups(tp, torch.optim.AdamW([torch.zeros(1)])
                                                   .defaults["weight_decay"]), lr=0.01))


def test_sgd_decoupled_weight_decay_matches_the_formula(torch):
    """torch's SGD has no decoupled decay; ours is w ← (1 − ηλ)w − η·v, checked by the formula with
    torch's momentum buffer as v."""
    lr, mu, wd = 0.1, 0.9, 0.05
    params = _params()
    expected = {k: v.copy() for k, v in params.items()}
    ours = ru.SGD(lr=lr, momentum=mu, weight_decay=wd)
    bufs = {k: np.zeros_like(v) for k, v in params.items()}
    for grads in _grad_sequence(params, 3):
        ours.step(params, grads)
        for k in expected:
            bufs[k] = mu * bufs[k] + grads[k]
            decay = 1 - lr * wd if k.endswith("W") else 1.0
            expected[k] = decay * expected[k] - lr * bufs[k]
    for k in params:
        np.testing.assert_allclose(params[k], expected[k], rtol=1e-12, atol=1e-14)


def _train_with_penalty_vs_torch_coupled(torch, ours, make_torch_opt, steps=5):
    """Our L2 *penalty* path (λw added to the gradient by the network) against torch's coupled
    ``weight_decay=λ`` on the same network trained on the data loss only."""
    lam = 0.05
    X = rng(4).standard_normal((20, 3))
    y = rng(5).integers(0, 2, 20)
    net = ru.MLP([3, 6, 2], penalty="l2", lam=lam, seed=2)
    tparams = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in net.parameters().items()}
    topt = make_torch_opt(_groups(tparams, lam))
    params = net.parameters()
    Xt, yt = torch.tensor(X), torch.tensor(y)
    for _ in range(steps):
        _, grads = net.loss_and_grads(X, y)
        ours.step(params, grads)
        topt.zero_grad()
        h = torch.relu(Xt @ tparams["0.W"] + tparams["0.b"]) @ tparams["2.W"] + tparams["2.b"]
        torch.nn.functional.cross_entropy(h, yt).backward()
        topt.step()
    for k in params:
        np.testing.assert_allclose(params[k], tparams[k].detach().numpy(), rtol=1e-10, atol=1e-13)


def test_sgd_with_l2_penalty_matches_torch_sgd_weight_decay(torch):
    _train_with_penalty_vs_torch_coupled(
        torch, ru.SGD(lr=0.1, momentum=0.9),
        lambda groups: torch.optim.SGD(groups, lr=0.1, momentum=0.9))


def test_adam_with_l2_penalty_matches_torch_adam_weight_decay(torch):
    """torch.optim.Adam's weight_decay is the coupled L2 term; ours is the penalty path."""
    _train_with_penalty_vs_torch_coupled(
        torch, ru.Adam(lr=0.01), lambda groups: torch.optim.Adam(groups, lr=0.01))
