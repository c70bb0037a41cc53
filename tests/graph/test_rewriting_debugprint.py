"""debugprint / pp of compiled (rewritten) functions show the rewritten graph."""

import numpy as np

import theano
import theano.tensor as T


def test_debugprint_shows_fused_and_blas_nodes():
    x = T.dmatrix("x")
    W = theano.shared(np.ones((3, 2)), "W")
    out = T.tanh(T.exp(x) * 2 + 1)
    f = theano.function([x], out, updates=[(W, W - 0.1 * T.dot(x.T, out))])
    text = theano.printing.debugprint(f, file="str")
    assert "Composite{" in text
    assert "Gemm" in text
    assert "x" in text and "W" in text


def test_debugprint_before_and_after_rewriting_differ():
    x = T.dvector("x")
    y = T.log(1 + x)
    before = theano.printing.debugprint(y, file="str")
    f = theano.function([x], y, mode=theano.Mode("py", "fast_run").excluding("fusion"))
    after = theano.printing.debugprint(f, file="str")
    assert "log1p" not in before and "log1p" in after


def test_pp_of_rewritten_function():
    x = T.dvector("x")
    f = theano.function([x], (x * 1) ** 2, mode=theano.Mode("py", "fast_run").excluding("fusion"))
    text = theano.printing.pp(f)
    assert "sqr" in text and "pow" not in text and "**" not in text
