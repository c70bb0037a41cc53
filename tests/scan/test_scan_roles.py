"""Theano 1.0's names for the parts of a Scan op (``op.inputs``/``op.outputs``, ``inner_seqs``,
``outer_seqs``, ``inner_non_seqs``, ``outer_non_seqs``), read on compiled loops; and a sequence
that nobody reads and that is a row of a matrix (``vv[0]``) is dropped, the number of steps still
being the shortest length. Values against NumPy on the default and the reference VM, three calls
each."""

import numpy as np
import pytest

import theano
import theano.tensor as T

from tests.scan.util import mode_of as _mode, scan_node

MODES = [None, "py"]


def test_roles_of_an_uncompiled_scan():
    x, W, h0 = T.dmatrix("x"), T.dmatrix("W"), T.dvector("h0")
    out, _ = theano.scan(lambda xt, xt1, h, W: T.tanh(T.dot(h, W) + xt * xt1),
                         sequences=dict(input=x, taps=[0, 1]), outputs_info=h0,
                         non_sequences=W)
    node = out.owner.inputs[0].owner
    op = node.op
    assert op.inputs is op.inner_inputs and op.outputs is op.inner_outputs
    assert op.n_seqs == 1 and op.n_non_seqs == 1
    # one sequence read at two taps: two inner inputs, one outer input
    assert [v.name for v in op.inner_seqs(op.inputs)] == ["x[t]", "x[t+1]"]
    assert op.inner_seqs() == op.inner_seqs(op.inputs)
    assert op.outer_seqs(node) == [x] and op.outer_seqs(node.inputs) == [x]
    (w_in,) = op.inner_non_seqs(op.inputs)
    assert w_in.type == W.type and w_in is op.inputs[-1]
    assert op.outer_non_seqs(node) == [W]


@pytest.mark.parametrize("mode", MODES)
def test_unread_row_sequence_dropped_and_steps_kept(mode):
    W, v, vv = T.dmatrix("W"), T.ivector("v"), T.dmatrix("vv")
    # vv[0] and vv are not read; the number of steps is min(len(v), len(vv[0]), len(vv))
    y, _ = theano.scan(lambda a, i, b, W: T.exp(W[i]) + 1, sequences=[vv, v, vv[0]],
                       non_sequences=W)
    f = theano.function([W, v, vv], y, mode=_mode(mode))
    node = scan_node(f)
    op = node.op
    assert len(op.inner_seqs()) == 1 and [s.name for s in op.outer_seqs(node)] == ["v"]
    assert len(op.outer_non_seqs(node)) == 1
    Wv = np.arange(12.0).reshape(4, 3) / 7
    for iv, vvv in (([1, 2, 3], np.zeros((3, 3))),      # all as long as each other
                    ([1, 2, 3, 0], np.zeros((5, 2))),   # vv[0] is the shortest: 2 steps
                    ([3, 1], np.zeros((4, 4)))):        # v is the shortest: 2 steps
        iv = np.array(iv, dtype="int32")
        n = min(len(iv), vvv.shape[0], vvv.shape[1])
        for _ in range(3):
            np.testing.assert_allclose(f(Wv, iv, vvv), np.exp(Wv[iv[:n]]) + 1, rtol=1e-14)
