"""The computation behind each notebook, one module named after it (no figures, no widgets):

overfitting (01), norm_penalties (02), weight_decay (03), l1_sparsity (04), augmentation (05),
dropout and dropout_slide (06); and what two notebooks share: quadratic (the quadratic model of
03 and 04, ridge regression of 03 and 05) and digits (the digits MLP of 01 and 03-06).

Every function is pure: it takes its data and a ``seed`` and returns numbers, networks and
histories. The figures are in ``regutils.figures``, with the same module names.
"""
