"""Single-ufunc Elemwise nodes are written into the generated thunk as lines of their own
(theano/link/numba/linker.py, ``inline`` of elemwise.py's single-op function): same values, same
errors naming the node and the user's line, outputs that own their data."""

import warnings

import numpy as np
import pytest

import theano
import theano.tensor as T

pytest.importorskip("numba")

MODE = theano.Mode(linker="numba", optimizer="fast_run")
RAW = theano.Mode(linker="numba", optimizer=None)


def _inline_nodes(f):
    return f.maker.thunk.source.count(" = _fn_f")


@pytest.mark.parametrize("dtype", ["float32", "float64", "int16"])
def test_constant_operand_values_and_dtype(dtype):
    x = T.TensorType(dtype, (False,))("x")
    f = theano.function([x], x * 3, mode=MODE)
    assert _inline_nodes(f) == 1
    v = np.arange(-5, 6).astype(dtype)
    for _ in range(2):
        out = f(v)
        assert out.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(out, v * np.asarray(3, dtype))


def test_two_inputs_and_scalar():
    x, y = T.dvectors("x", "y")
    s = T.dscalar("s")
    f = theano.function([x, y, s], [x + y, s * 2], mode=MODE)
    assert _inline_nodes(f) == 2
    a, b = np.linspace(0, 1, 7), np.linspace(2, 5, 7)
    for _ in range(2):
        r1, r2 = f(a, b, 1.25)
        np.testing.assert_array_equal(r1, a + b)
        assert r2 == 2.5 and isinstance(r2, np.ndarray) and r2.ndim == 0


def test_shape_mismatch_names_the_node_and_the_users_line():
    x, y = T.dvectors("x", "y")
    f = theano.function([x, y], x - y, mode=MODE)
    assert _inline_nodes(f) == 1
    for _ in range(2):
        with pytest.raises(ValueError) as err:
            f(np.ones(3), np.ones(4))
        text = str(err.value)
        assert "Elemwise{sub" in text and "(3,)" in text and "(4,)" in text
        assert "test_numba_inline.py" in text        # where the user built x - y


def test_invalid_values_give_nan_without_warnings():
    x = T.dvector("x")
    f = theano.function([x], T.log(x), mode=MODE)
    assert _inline_nodes(f) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = f(np.array([-1.0, 0.0, np.e]))
    assert np.isnan(out[0]) and out[1] == -np.inf and out[2] == pytest.approx(1.0)


def test_a_copy_node_returns_a_new_array():
    x = T.dvector("x")
    f = theano.function([x], T.tensor_copy(x), mode=RAW)
    v = np.arange(4.0)
    for _ in range(2):
        out = f(v)
        np.testing.assert_array_equal(out, v)
        assert out is not v and not np.shares_memory(out, v)


def test_profiled_functions_keep_one_call_per_node():
    x = T.dvector("x")
    f = theano.function([x], x * 2, mode=MODE, profile=True)
    assert _inline_nodes(f) == 0
    np.testing.assert_array_equal(f(np.arange(3.0)), np.arange(3.0) * 2)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "uint8"])
def test_0d_results_are_fresh_arrays_of_the_declared_dtype(dtype):
    # a ufunc on 0-d arrays gives a NumPy scalar unless asked for an array (out=...): either way
    # the function returns a 0-d ndarray, a new one per call, on the inline path and the VM
    x = T.TensorType(dtype, ())("x")
    y = x * 3 + 1 if dtype != "uint8" else x * 2
    refs = []
    for mode in (MODE, theano.Mode(linker="py")):
        f = theano.function([x], [y, -x if dtype[0] != "u" else x + 1], mode=mode)
        v = np.asarray(7, dtype=dtype)
        got = [f(v) for _ in range(3)]
        for outs in got:
            for o in outs:
                assert type(o) is np.ndarray and o.ndim == 0
            assert outs[0].dtype == y.dtype
        assert got[0][0] is not got[1][0]
        expected = np.asarray(v * 3 + 1 if dtype != "uint8" else v * 2, dtype=y.dtype)
        np.testing.assert_array_equal(got[2][0], expected)
        refs.append([o.item() for o in got[2]])
    assert refs[0] == refs[1]
