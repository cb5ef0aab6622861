"""regutils.figures.overfitting draws on the given axes and returns its artists, without touching
matplotlib's global settings."""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np

import regutils as ru
from regutils.figures import overfitting as figs
from regutils.lectures import overfitting as lec


def _run(label, accs, test=None, budget=6):
    h = ru.History()
    for epoch, acc in enumerate(accs, start=1):
        h.record(epoch=epoch, train_acc=acc, **({} if test is None else {"test_acc": test[epoch - 1]}))
    return lec.Run(label=label, epochs_to_fit=lec.epochs_to_fit(h), train_acc=accs[-1],
                   test_acc=np.nan if test is None else test[-1], budget=budget, history=h)


def test_plot_corruption_draws_the_references_with_their_spread():
    rcparams = dict(matplotlib.rcParams)
    n = len(lec.FRACTIONS)
    runs = [_run(f"c{f}", [0.5, 1.0], test=[0.5, 1 - e]) for f, e in zip(lec.FRACTIONS, np.linspace(0.05, 0.9, n))]
    refs = {"1-NN": [lec.Spread((e, e + 0.02)) for e in np.linspace(0.02, 0.9, n)],
            "15-NN": [lec.Spread((0.03, 0.05))] * n}
    _, axes = plt.subplots(1, 2)
    lines = figs.plot_corruption(runs, lec.FRACTIONS, references=refs, axes=axes)
    assert len(lines) == 4 and all(line.axes in axes for line in lines)       # network, 2 refs, epochs
    assert np.allclose(lines[2].get_ydata(), 0.04)                            # the mean of 0.03, 0.05
    assert len(axes[0].collections) == 2                                      # one band per reference
    assert "memorizer" in axes[0].get_title()
    assert dict(matplotlib.rcParams) == rcparams


def test_plot_long_run_marks_the_budget_and_the_highest_point():
    run = _run("L2, random labels", [0.2, 0.5, 0.6, 0.55, 0.58, 0.56])
    _, ax = plt.subplots()
    lines = figs.plot_long_run(run, budget=3, ax=ax)
    assert lines[0].axes is ax and lines[1].get_xdata()[0] == 3
    assert "60 % at epoch 3" in lines[3].get_label()
    assert ax.get_title().startswith("Not 100 % within")


def test_plot_early_stopping_shows_the_best_and_the_stopping_epoch():
    h = ru.History()
    for epoch in range(1, 6):
        h.record(epoch=epoch, train_acc=0.5 + 0.1 * epoch, val_acc=0.6, test_acc=0.9 - 0.05 * epoch)
    stop = lec.EarlyStop(seed=1, history=h, best_epoch=2, test_at_best=0.8, final_test=0.65,
                         best_test_epoch=1, best_test=0.85, stopped_epoch=4, restored_epoch=2,
                         restored_test=0.8)
    _, ax = plt.subplots()
    lines = figs.plot_early_stopping(stop, ax=ax)
    assert len(lines) == 5 and lines[3].get_xdata()[0] == 2 and lines[4].get_xdata()[0] == 4
    assert "80 %" in ax.get_title() and "65 %" in ax.get_title()
