"""MonitorMode with rewrites excluded by Theano 1.0's names."""

import numpy as np

import theano
import theano.tensor as T


def test_excluding_theano1_rewrite_names_keeps_nodes_apart_and_not_inplace():
    """mode.excluding('local_elemwise_fusion', 'inplace_elemwise_optimizer') (Theano 1.0's names):
    no fused node and no in-place node, so a post_func sees every intermediate NaN."""
    seen = []

    def post(i, node, fn):
        seen.extend(bool(np.isnan(o[0]).any()) for o in fn.outputs)

    x = T.vector("x")
    mode = theano.compile.MonitorMode(post_func=post).excluding(
        "local_elemwise_fusion", "inplace_elemwise_optimizer")
    o = T.outer(x, x)
    f = theano.function([x], [T.log(o) * o], mode=mode)
    topo = f.maker.fgraph.toposort()
    assert len(topo) == 5 and not any(n.op.destroy_map for n in topo)
    (r,) = f(np.zeros(2, dtype=x.dtype))
    assert np.isnan(r).all() and any(seen)
