"""theano.function_dump: the arguments of a theano.function call, pickled; loading them and calling
theano.function gives a function that computes the same values and updates the same way."""

import pickle

import numpy as np

import theano
import theano.tensor as T


def test_dump_and_reload_reproduces_the_function(tmp_path):
    rng = np.random.RandomState(0)
    x = T.dmatrix("x")
    y = T.dvector("y")
    scale = T.dscalar("scale")
    w = theano.shared(rng.randn(3), name="w")
    b = theano.shared(0.5, name="b")
    p = T.nnet.sigmoid(T.dot(x, w) + b)
    cost = T.nnet.binary_crossentropy(p, y).mean()
    gw, gb = T.grad(cost, [w, b])
    kwargs = dict(outputs=[cost, p * scale], updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)],
                  givens={scale: T.constant(2.0)}, name="train", on_unused_input="ignore")
    path = str(tmp_path / "func_dump.bin")
    theano.function_dump(path, [x, y], extra_tag_to_remove=["test_value"], **kwargs)
    with open(path, "rb") as f:
        d = pickle.load(f)
    assert set(d) >= {"inputs", "outputs", "updates", "givens", "mode", "name"}
    g = theano.function(**d)
    f = theano.function([x, y], **kwargs)
    xv, yv = rng.randn(5, 3), (rng.rand(5) > 0.5).astype(float)
    for _ in range(3):
        got, want = g(xv, yv), f(xv, yv)
        for a, e in zip(got, want):
            np.testing.assert_allclose(a, e, rtol=1e-12)
    # the dump carries its own copies of the shared variables, updated here the same way
    (w2,) = [v for v, _ in d["updates"] if v.name == "w"]
    assert w2 is not w
    np.testing.assert_allclose(w2.get_value(), w.get_value(), rtol=1e-12)
    assert theano.compile.function_dump is theano.function_dump
