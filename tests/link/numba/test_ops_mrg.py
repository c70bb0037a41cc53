"""The native backend's compiled mrg_uniform gives the integers and floats of the op's NumPy
perform (itself checked against L'Ecuyer's reference values in tests/tensor/random/test_mrg.py),
for any number of numbers and streams, and leaves its input state untouched."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.sandbox.rng_mrg import mrg_uniform
from theano.tensor.random import mrg


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
@pytest.mark.parametrize("n_streams, shape", [(1, (7,)), (5, (3, 4)), (7, (2, 3)), (64, (0, 3)),
                                              (300, (1000,)), (15360, (2, 40000))])
def test_compiled_draws_equal_the_perform(n_streams, shape, dtype):
    rstate = T.imatrix("rstate")
    new_r, u = mrg_uniform.new(rstate, None, dtype, shape)
    fast = theano.function([rstate], [new_r, u], mode=theano.Mode(linker="auto"))
    ref = theano.function([rstate], [new_r, u], mode=theano.Mode(linker="py"))
    assert [p for _, p in fast.maker.thunk.node_paths] == ["kernel"]
    states = mrg.substream_states(np.array([5, 6, 7, 8, 9, 10], dtype="int32"), n_streams)
    keep = states.copy()
    want_state, want = ref(states)
    for _ in range(2):
        got_state, got = fast(states)
        np.testing.assert_array_equal(states, keep)          # the input is not changed
        assert got.dtype == dtype and got.shape == shape
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(got_state, want_state)


def test_kernel_handles_every_state_value_range():
    # states at the edges of the moduli: the division-free reductions agree with exact int64 %
    from theano.link.numba.ops_mrg import _kernel

    edges = np.array([[mrg.M1 - 1, mrg.M1 - 1, mrg.M1 - 1, mrg.M2 - 1, mrg.M2 - 1, mrg.M2 - 1],
                      [1, 0, 0, 1, 0, 0], [0, 0, 1, 0, 0, 1],
                      [mrg.M1 - 1, 1, mrg.M1 - 2, mrg.M2 - 1, 1, mrg.M2 - 2]], dtype="int32")
    rs = np.random.RandomState(0)
    rand = np.column_stack([rs.randint(0, mrg.M1, size=(200, 3)),
                            rs.randint(0, mrg.M2, size=(200, 3))]).astype("int32")
    states = np.vstack([edges, rand])
    z = np.empty(states.shape[0] * 9, dtype=np.int64)
    got_states = states.copy()
    _kernel()(got_states, z)
    want_states, want = mrg.mrg_draw(states, z.shape[0], "float64")
    np.testing.assert_array_equal(got_states, want_states)
    np.testing.assert_array_equal(mrg._to_unit(z, "float64"), want)
