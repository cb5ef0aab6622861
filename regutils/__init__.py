"""regutils: a small NumPy network, the regularizers and the plots for the lecture on
regularization (منظم‌سازی).

Conventions: p = ``keep_prob`` is the probability of KEEPING a unit (PyTorch's ``nn.Dropout``
takes the drop probability); L2 is Ω = ½‖w‖² with gradient λw; L1 is Ω = ‖w‖₁ with λ·sign(w),
sign(0) = 0; biases are not penalized unless asked; every random function takes ``seed``.

    >>> import regutils as ru
    >>> X, y = ru.make_moons(200, noise=0.25, seed=0)
    >>> net = ru.MLP([2, 64, 64, 2], keep_prob=0.8, penalty="l2", lam=1e-3, seed=0)
    >>> history = ru.fit(net, ru.SGD(lr=0.1, momentum=0.9), X, y, epochs=200)
"""
from .augment import (ElasticDistortion, Jitter, RandomAffine, RandomCrop, RandomFlip,
                      RandomRotation, RandomShift, affine, crop_resize, elastic, flip_horizontal,
                      flip_vertical, jitter, random_shift, rotate, shift)
from .data import (DATASETS_2D, corrupt_labels, digits_split, gaussian_pixels, grid_points, load_digits,
                   make_2d, make_circles, make_moons, make_spiral, make_xor, random_pixels,
                   shuffle_pixels, train_test_split, train_val_test_split)
from .gradcheck import check_layer, check_loss, check_network, check_penalty, numerical_gradient, rel_error
from .layers import Dense, Dropout, GaussianNoise, Layer, ReLU, Tanh
from .losses import log_softmax, mean_squared_error, softmax, softmax_cross_entropy
from .model import MLP, Network
from .optim import SGD, Adam, AdamW, Optimizer
from .penalties import L1, L2, NoPenalty, Penalty, make_penalty, soft_threshold
from .train import History, TrainingDiverged, evaluate, fit, one_blas_thread

__version__ = "0.1.0"
