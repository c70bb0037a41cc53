"""Old import paths that real Theano programs use."""

import importlib

import numpy as np
import pytest

import theano
import theano.tensor as T


def test_random_stream_import_paths():
    import theano.tensor.shared_randomstreams
    from theano.sandbox.rng_mrg import MRG_RandomStreams
    from theano.tensor.shared_randomstreams import RandomStreams

    assert theano.tensor.shared_randomstreams.RandomStreams is RandomStreams
    assert theano.sandbox.rng_mrg.MRG_RandomStreams is MRG_RandomStreams
    assert T.shared_randomstreams.RandomStreams is RandomStreams
    srng = RandomStreams(seed=1)
    assert theano.function([], srng.uniform((2,)))().shape == (2,)
    assert MRG_RandomStreams(seed=2).normal((3,)).eval().shape == (3,)


def test_raw_random():
    from theano.tensor import raw_random

    rng = theano.shared(np.random.RandomState(3))
    new_rng, sample = raw_random.uniform(rng, size=(4,), low=1.0, high=2.0)
    f = theano.function([], sample, updates=[(rng, new_rng)])
    a, b = f(), f()
    assert ((a >= 1) & (a < 2)).all() and not np.array_equal(a, b)
    assert rng.type == raw_random.random_state_type


def test_sandbox_has_no_cuda():
    import theano.sandbox

    with pytest.raises(AttributeError, match="GPU"):
        theano.sandbox.cuda
    with pytest.raises(ImportError):
        importlib.import_module("theano.sandbox.cuda")


def test_inplace_names_are_the_in_place_forms_of_the_ops():
    from theano.tensor import inplace

    assert inplace.exp_inplace.scalar_op == T.exp.scalar_op
    assert inplace.sigmoid_inplace.scalar_op == T.sigmoid.scalar_op
    assert inplace.add_inplace.destroy_map == {0: [0]}
    x = T.dvector("x")
    out = inplace.neg_inplace(inplace.sqr_inplace(x))
    xv = np.array([1.0, -2.0])
    with pytest.raises(TypeError, match="inplace"):      # as in Theano 1.0
        theano.function([x], out)
    f = theano.function([x], out, accept_inplace=True)
    np.testing.assert_array_equal(f(xv), [-1.0, -4.0])
    np.testing.assert_array_equal(xv, [-1.0, -4.0])      # the argument was given up
    assert "exp_inplace" in inplace.__all__


def test_tensor_opt_names():
    from theano.tensor import opt
    from theano.tensor.opt import register_canonicalize, register_specialize

    assert callable(register_canonicalize) and callable(register_specialize)
    assert callable(opt.local_optimizer)
    with pytest.raises(AttributeError, match="theano.tensor.opt"):
        opt.no_such_rewrite_name


def test_sandbox_linalg():
    import theano.sandbox

    from theano.sandbox.linalg import det, matrix_inverse

    assert matrix_inverse is T.nlinalg.matrix_inverse and det is T.nlinalg.det
    assert theano.sandbox.linalg.matrix_inverse is matrix_inverse
    x = T.dmatrix("x")
    f = theano.function([x], matrix_inverse(x))
    np.testing.assert_allclose(f(np.array([[2.0, 0.0], [0.0, 4.0]])), [[0.5, 0.0], [0.0, 0.25]])


def test_gpuarray_imports_without_a_gpu():
    import theano.gpuarray
    from theano.gpuarray import dnn, pygpu_activated

    assert pygpu_activated is False and theano.gpuarray.pygpu_activated is False
    assert dnn.dnn_present() is False
    assert theano.gpuarray.dnn.dnn_available() is False
    assert theano.gpuarray.dnn.dnn_available(None) is False
    assert "no" in dnn.dnn_available.msg
    with pytest.raises(RuntimeError, match="no pygpu"):
        theano.gpuarray.use("cuda0")
    with pytest.raises(AttributeError, match="pygpu"):
        theano.gpuarray.GpuArrayType
    assert not hasattr(theano.gpuarray, "GpuArrayType")
