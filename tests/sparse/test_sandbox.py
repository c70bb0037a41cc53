"""theano.sparse's random ops (Poisson, Binomial, Multinomial): shapes, patterns, value ranges
and statistics on the reference VM and the default backend."""

import numpy as np
import pytest
import scipy.sparse as sp

import theano
import theano.sparse as S
import theano.tensor as T

MODES = [theano.Mode(linker="py", optimizer="None"), theano.Mode(linker="auto", optimizer="fast_run")]


@pytest.mark.parametrize("mode", MODES, ids=["py", "auto"])
def test_poisson_keeps_pattern(mode):
    x = S.csr_matrix("x")
    m = sp.random(30, 40, density=0.3, format="csr", random_state=0) * 50 + \
        sp.csr_matrix((30, 40))
    m.data += 20.0
    f = theano.function([x], S.poisson(x), mode=mode)
    np.random.seed(3)
    for _ in range(2):
        r = f(m)
        assert r.format == "csr" and r.shape == m.shape and r.dtype == m.dtype
        assert np.all(r.data == np.round(r.data)) and np.all(r.data > 0)
        # entries only where m has one; the mean follows m's values
        assert ((abs(r) > 0).astype(int) - (abs(m) > 0).astype(int)).max() <= 0
        assert abs(r.sum() / m.sum() - 1) < 0.05
    with pytest.raises(ValueError):
        f(-m)


@pytest.mark.parametrize("mode", MODES, ids=["py", "auto"])
def test_binomial(mode):
    n, p = T.lscalar("n"), T.dscalar("p")
    shape = T.lvector("shape")
    out = S.binomial(n, p, shape, format="csc", dtype="float32")
    f = theano.function([n, p, shape], out, mode=mode)
    np.random.seed(5)
    r = f(5, 0.3, np.array([200, 100]))
    assert r.format == "csc" and r.dtype == np.float32 and r.shape == (200, 100)
    assert r.data.min() >= 1 and r.data.max() <= 5
    assert abs(r.toarray().mean() - 1.5) < 0.05


@pytest.mark.parametrize("mode", MODES, ids=["py", "auto"])
def test_multinomial(mode):
    p = S.csr_matrix("p")
    n = T.lvector("n")
    probs = sp.csr_matrix(np.array([[0.2, 0, 0.8], [0, 1.0, 0], [0.5, 0.5, 0]]))
    f = theano.function([n, p], S.multinomial(n, p), mode=mode)
    np.random.seed(0)
    for _ in range(2):
        r = f(np.array([10, 4, 6]), probs)
        assert r.format == "csr"
        assert list(np.asarray(r.sum(axis=1)).ravel()) == [10, 4, 6]
        assert r[1, 1] == 4 and r[0, 1] == 0


def test_theano_sp2_import_path():
    # Theano 1.0 programs import these from theano.sparse.sandbox.sp2
    from theano.sparse.sandbox import sp2

    for name in ("Poisson", "poisson", "Binomial", "binomial", "Multinomial", "multinomial"):
        assert getattr(sp2, name) is getattr(S, name)
    assert sp2.csr_fbinomial == sp2.Binomial("csr", "float32")


def check_infer_shape(inputs, out, values):
    """out.owner.op.infer_shape (given the inputs' symbolic shapes) against the drawn value's."""
    node = out.owner
    in_shapes = [tuple(i.shape[d] for d in range(i.ndim)) for i in node.inputs]
    (shape,) = node.op.infer_shape(node, in_shapes)
    mode = theano.Mode(linker="py", optimizer="None")
    f_shape = theano.function(inputs, T.stack([T.cast(s, "int64") for s in shape]), mode=mode,
                              on_unused_input="ignore")
    real = theano.function(inputs, out, mode=mode)(*values).shape
    assert tuple(f_shape(*values)) == real


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_random_ops_infer_shape_without_drawing(fmt):
    from theano.sparse.sandbox.sp2 import Binomial, Multinomial, Poisson, multinomial, poisson

    x = getattr(S, fmt + "_matrix")("x")
    m = sp.random(5, 7, density=0.4, format=fmt, random_state=1) * 10
    check_infer_shape([x], poisson(x), [m])
    n, p, shape = T.lscalar("n"), T.dscalar("p"), T.lvector("shape")
    for dtype in ("float32", "float64"):
        out = Binomial(fmt, dtype)(n, p, shape)
        check_infer_shape([n, p, shape], out, [4, 0.5, np.array([6, 3])])
    pm = S.csr_matrix("pm")
    pv = sp.csr_matrix(np.array([[0.5, 0, 0.5], [0.1, 0.9, 0], [0, 0, 1.0], [0.3, 0.3, 0.4]]))
    check_infer_shape([pm], multinomial(5, pm), [pv])
    # with rewrites the shapes are computed without running the random ops
    for inputs, out, values, op in [([x], poisson(x), [m], Poisson),
                                    ([n, p, shape], Binomial(fmt, "float64")(n, p, shape),
                                     [3, 0.2, np.array([4, 9])], Binomial),
                                    ([pm], multinomial(5, pm), [pv], Multinomial)]:
        f = theano.function(inputs, out.shape, mode=theano.Mode(linker="py", optimizer="fast_run"))
        assert not any(isinstance(nd.op, op) for nd in f.maker.fgraph.toposort())
        for _ in range(3):
            assert tuple(f(*values)) == np.shape(theano.function(inputs, out)(*values))
