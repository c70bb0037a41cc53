"""``theano.gpuarray.dnn``: cuDNN availability checks. theano-ng has no cuDNN back-end, so both
report False (``dnn_available.msg`` says why)."""

__all__ = ["dnn_present", "dnn_available"]

_WHY = "theano-ng has no pygpu/cuDNN GPU back-end"


def dnn_present():
    """Whether cuDNN can be used: always False here."""
    dnn_present.msg = _WHY
    return False


def dnn_available(context_name=None):
    """Whether cuDNN can be used on the GPU ``context_name``: always False here."""
    dnn_available.msg = _WHY
    return False


dnn_present.msg = _WHY
dnn_available.msg = _WHY
