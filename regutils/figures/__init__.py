"""The notebooks' figures, one module per notebook with the same names as ``regutils.lectures``
(plus ``quadratic``, what the weight-space figures of 03 and 04 share). Every plot function takes
``ax=None`` (or ``axes=None``) and returns its artists; nothing changes matplotlib's settings."""
