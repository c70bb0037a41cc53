"""Saturating inputs: every stabilizing rewrite, on forward and gradient graphs, on every backend.

Each case is a naive formula (as users write it) evaluated where it saturates (sigmoid rounds to 0
or 1, exp overflows, a softmax entry underflows). Its value and the gradient of its sum are compared
with references computed stably in float64 with SciPy; wherever the true value is finite the compiled
one must be finite and close to it. ``test_inputs_really_saturate`` shows that the same graphs
compiled without rewrites do produce NaN/inf there, and ``test_every_stability_rewrite_is_covered``
that each rewrite tagged 'stability' fires in at least one case.
"""

import warnings

import numpy as np
import pytest
from scipy import special as sp

import theano
import theano.tensor as T
from theano.graph.rewriting.basic import RewriteWarning
from theano.graph.rewriting.db import rewrite_db


def _jax_mode():
    pytest.importorskip("jax")
    return theano.Mode(linker="jax", optimizer="fast_run")


BACKENDS = {
    "py": lambda: theano.Mode(linker="py", optimizer="fast_run"),
    "numba": lambda: theano.Mode(linker="numba", optimizer="fast_run"),
    "jax": _jax_mode,
}

BIG = {"float64": 1000.0, "float32": 100.0}


def _line(dtype):
    b = BIG[dtype]
    return np.array([-b, -b / 2, -30.0, -1.0, 0.0, 0.5, 30.0, b / 2, b], dtype=dtype)


def _targets(dtype):
    return np.array([1.0, 0.0, 1.0, 0.3, 0.0, 1.0, 0.0, 1.0, 0.0], dtype=dtype)


def _rows(dtype):
    b = BIG[dtype]
    return np.array([[b, 0.0, -b], [-b, b, b], [1.0, 2.0, 3.0], [-b, -b, -b]], dtype=dtype)


class Case:
    """``build(dtype) -> (inputs, forward_output)``; ``values(dtype)``; ``ref(*float64 values) ->
    (forward, [d sum(forward) / d input for each float input])``; ``fires``: rewrites that must apply."""

    def __init__(self, name, build, values, ref, fires, wrt=None, scale=0.0, moderate=None):
        self.name, self.build, self.values, self.ref, self.fires = name, build, values, ref, fires
        self.wrt = wrt  # indices of the inputs to differentiate (default: all float inputs)
        # the size of the terms a result is a difference of (1 for probabilities minus targets):
        # rounding errors are measured against |value| + scale
        self.scale = scale
        # moderate(rng, dtype) -> input values where the naive formula is finite
        self.moderate = moderate

    def __repr__(self):
        return self.name


def _vec(dtype, name="x"):
    return T.vector(name, dtype=dtype)


def _mat(dtype, name="X"):
    return T.matrix(name, dtype=dtype)


def _one(dtype):
    return np.asarray(1, dtype=dtype)


def _softmax_rows(v):
    return sp.softmax(v, axis=1)


def _log_erfc(v):
    with np.errstate(all="ignore"):
        return np.where(v < 1, np.log1p(-sp.erf(v)), np.log(sp.erfcx(v)) - v * v)


def _dlog_erfc(v):
    return -2 / np.sqrt(np.pi) / sp.erfcx(v)


def _indexed_sigmoid_grad(v, t):
    g = np.zeros_like(v)
    g[:, 1] = sp.expit(v[:, 1]) - t
    g[[0, 2]] += sp.expit(-v[[0, 2]])
    return g


CASES = [
    Case("log(erfc(x))",
         lambda d: ([_vec(d)], lambda x: T.log(T.erfc(x))),
         lambda d: [_line(d)],
         lambda v: (_log_erfc(v), [_dlog_erfc(v)]),
         ["local_log_erfc", "local_exp_over_erfc"]),
    Case("log(1 - erf(x))",
         lambda d: ([_vec(d)], lambda x: T.log(1 - T.erf(x))),
         lambda d: [_line(d)],
         lambda v: (_log_erfc(v), [_dlog_erfc(v)]),
         ["local_erf_complement", "local_log_erfc", "local_exp_over_erfc"]),
    Case("log(1 + erf(-x))",
         lambda d: ([_vec(d)], lambda x: T.log(1 + T.erf(-x))),
         lambda d: [_line(d)],
         lambda v: (_log_erfc(v), [_dlog_erfc(v)]),
         ["local_erf_complement", "local_log_erfc", "local_exp_over_erfc"]),
    Case("log(sigmoid(x))",
         lambda d: ([_vec(d)], lambda x: T.log(T.nnet.sigmoid(x))),
         lambda d: [_line(d)],
         lambda v: (sp.log_expit(v), [sp.expit(-v)]),
         ["local_log_sigmoid", "local_sigmoid_products"]),
    Case("log(1 - sigmoid(x))",
         lambda d: ([_vec(d)], lambda x: T.log(_one(d) - T.nnet.sigmoid(x))),
         lambda d: [_line(d)],
         lambda v: (sp.log_expit(-v), [-sp.expit(v)]),
         ["local_one_minus_sigmoid", "local_sigmoid_products"]),
    Case("log1p(-sigmoid(x))",
         lambda d: ([_vec(d)], lambda x: T.log1p(-T.nnet.sigmoid(x))),
         lambda d: [_line(d)],
         lambda v: (sp.log_expit(-v), [-sp.expit(v)]),
         ["local_log1p", "local_sigmoid_products"]),
    Case("log(1 / (1 + exp(-x)))",
         lambda d: ([_vec(d)], lambda x: T.log(1 / (1 + T.exp(-x)))),
         lambda d: [_line(d)],
         lambda v: (sp.log_expit(v), [sp.expit(-v)]),
         ["local_sigmoid_by_hand", "local_sigmoid_products"]),
    Case("log(1 - 1 / (1 + exp(-x)))",
         lambda d: ([_vec(d)], lambda x: T.log(1 - 1 / (1 + T.exp(-x)))),
         lambda d: [_line(d)],
         lambda v: (sp.log_expit(-v), [-sp.expit(v)]),
         ["local_sigmoid_products"]),
    Case("exp(x) / (1 + exp(x))",
         lambda d: ([_vec(d)], lambda x: T.exp(x) / (1 + T.exp(x))),
         lambda d: [_line(d)],
         lambda v: (sp.expit(v), [sp.expit(v) * sp.expit(-v)]),
         ["local_sigmoid_products", "local_sigmoid_sum_factor"]),
    Case("log(1 + exp(x))",
         lambda d: ([_vec(d)], lambda x: T.log(1 + T.exp(x))),
         lambda d: [_line(d)],
         lambda v: (np.logaddexp(0, v), [sp.expit(v)]),
         ["local_log1p", "local_sigmoid_products"]),
    Case("binary_crossentropy(sigmoid(x), t)",
         lambda d: ([_vec(d), _vec(d, "t")],
                    lambda x, t: T.nnet.binary_crossentropy(T.nnet.sigmoid(x), t)),
         lambda d: [_line(d), _targets(d)],
         lambda v, t: (-t * sp.log_expit(v) - (1 - t) * sp.log_expit(-v),
                       [sp.expit(v) - t]),
         ["local_sigmoid_products"], wrt=[0]),
    Case("tutorial cross-entropy of 1 / (1 + exp(-x - b))",
         lambda d: ([_vec(d), _vec(d, "t"), T.scalar("b", dtype=d)],
                    lambda x, t, b: (-t * T.log(1 / (1 + T.exp(-x - b)))
                                     - (1 - t) * T.log(1 - 1 / (1 + T.exp(-x - b))))),
         lambda d: [_line(d), _targets(d), np.asarray(0.25, dtype=d)],
         lambda v, t, b: (-t * sp.log_expit(v + b) - (1 - t) * sp.log_expit(-v - b),
                          [sp.expit(v + b) - t, np.sum(sp.expit(v + b) - t)]),
         ["local_sigmoid_by_hand", "local_sigmoid_products"], wrt=[0, 2]),
    Case("log(sum(exp(x)))",
         lambda d: ([_vec(d)], lambda x: T.log(T.sum(T.exp(x)))),
         lambda d: [_line(d)],
         lambda v: (sp.logsumexp(v), [sp.softmax(v)]),
         ["local_log_sum_exp", "local_sigmoid_products"]),
    Case("log(sum(exp(X), axis=1))",
         lambda d: ([_mat(d)], lambda x: T.log(T.sum(T.exp(x), axis=1))),
         lambda d: [_rows(d)],
         lambda v: (sp.logsumexp(v, axis=1), [_softmax_rows(v)]),
         ["local_log_sum_exp", "local_sigmoid_products"]),
    Case("log(exp(a) + exp(b))",
         lambda d: ([_vec(d, "a"), _vec(d, "b")], lambda a, b: T.log(T.exp(a) + T.exp(b))),
         lambda d: [np.array([10000.0, -10000.0, 0.0, 50.0, -3.0], dtype=d),
                    np.array([10000.0, -10000.0, 60.0, -50.0, -3.0], dtype=d)],
         lambda a, b: (np.logaddexp(a, b), [sp.expit(a - b), sp.expit(b - a)]),
         ["local_log_exp_sum", "local_sigmoid_products"]),
    Case("log(softmax(X))",
         lambda d: ([_mat(d)], lambda x: T.log(T.nnet.softmax(x))),
         lambda d: [_rows(d)],
         lambda v: (sp.log_softmax(v, axis=1), [1 - v.shape[1] * _softmax_rows(v)]),
         ["local_log_softmax", "local_softmax_grad_of_quotient"], scale=1.0),
    Case("categorical_crossentropy(softmax(X), one-hot Y)",
         lambda d: ([_mat(d), _mat(d, "Y")],
                    lambda x, y: T.nnet.categorical_crossentropy(T.nnet.softmax(x), y)),
         lambda d: [_rows(d), np.eye(3, dtype=d)[[2, 0, 1, 1]]],
         lambda v, y: (-np.sum(y * sp.log_softmax(v, axis=1), axis=1),
                       [_softmax_rows(v) - y]),
         ["local_log_softmax", "local_softmax_grad_of_quotient"], wrt=[0], scale=1.0),
    Case("categorical_crossentropy(exp(X) / sum(exp(X), 1), Y) (hand-written softmax)",
         lambda d: ([_mat(d), _mat(d, "Y")],
                    lambda x, y: T.nnet.categorical_crossentropy(
                        T.exp(x) / T.exp(x).sum(axis=1, keepdims=True), y)),
         lambda d: [_rows(d), np.array([[0.2, 0.0, 0.8], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0],
                                        [0.5, 0.5, 0.0]], dtype=d)],
         lambda v, y: (-np.sum(y * sp.log_softmax(v, axis=1), axis=1),
                       [_softmax_rows(v) * y.sum(axis=1, keepdims=True) - y]),
         ["local_sigmoid_products", "local_log_softmax", "local_sum_over_exp_sum"], wrt=[0],
         scale=1.0),
    Case("categorical_crossentropy(exp(X) / sum(exp(X), 1), class indices) (hand-written softmax)",
         lambda d: ([_mat(d), T.lvector("y")],
                    lambda x, y: T.nnet.categorical_crossentropy(
                        T.exp(x) / T.exp(x).sum(axis=1, keepdims=True), y)),
         lambda d: [_rows(d), np.array([2, 0, 1, 1])],
         lambda v, y: (-sp.log_softmax(v, axis=1)[np.arange(4), y],
                       [_softmax_rows(v) - np.eye(3)[y]]),
         ["local_sigmoid_products", "local_crossentropy_softmax_fused",
          "local_xent_grad_times_softmax"], wrt=[0], scale=1.0),
    Case("categorical_crossentropy(softmax(X + b), class indices)",
         lambda d: ([_mat(d), _vec(d, "b"), T.lvector("y")],
                    lambda x, b, y: T.nnet.categorical_crossentropy(T.nnet.softmax(x + b), y)),
         lambda d: [_rows(d), np.array([0.0, 0.5, -0.5], dtype=d), np.array([2, 0, 1, 1])],
         lambda v, b, y: (-sp.log_softmax(v + b, axis=1)[np.arange(4), y],
                          [_softmax_rows(v + b) - np.eye(3)[y],
                           np.sum(_softmax_rows(v + b) - np.eye(3)[y], axis=0)]),
         ["local_crossentropy_softmax_fused", "local_crossentropy_softmax_grad"], wrt=[0, 1],
         scale=1.0),
    Case("-log(softmax(X)[arange(n), y]) (the tutorials' negative log-likelihood)",
         lambda d: ([_mat(d), T.lvector("y")],
                    lambda x, y: -T.log(T.nnet.softmax(x)[T.arange(y.shape[0]), y])),
         lambda d: [_rows(d), np.array([2, 0, 1, 1])],
         lambda v, y: (-sp.log_softmax(v, axis=1)[np.arange(4), y],
                       [_softmax_rows(v) - np.eye(3)[y]]),
         ["local_indexed_logsoftmax_to_xent", "local_indexed_xent_grad"], wrt=[0],
         scale=1.0),
    Case("-log(softmax(X))[arange(n), y] (the log of the whole softmax, then indexed)",
         lambda d: ([_mat(d), T.lvector("y")],
                    lambda x, y: -T.log(T.nnet.softmax(x))[T.arange(x.shape[0]), y]),
         lambda d: [_rows(d), np.array([2, 0, 1, 1])],
         lambda v, y: (-sp.log_softmax(v, axis=1)[np.arange(4), y],
                       [_softmax_rows(v) - np.eye(3)[y]]),
         ["local_indexed_logsoftmax_to_xent", "local_indexed_xent_grad"], wrt=[0],
         scale=1.0),
    Case("-log((exp(X) / sum(exp(X), 1))[arange(n), y]) (a hand-written softmax, indexed)",
         lambda d: ([_mat(d), T.lvector("y")],
                    lambda x, y: -T.log((T.exp(x) / T.exp(x).sum(axis=1, keepdims=True))
                                        [T.arange(y.shape[0]), y])),
         lambda d: [_rows(d), np.array([2, 0, 1, 1])],
         lambda v, y: (-sp.log_softmax(v, axis=1)[np.arange(4), y],
                       [_softmax_rows(v) - np.eye(3)[y]]),
         ["local_scattered_product", "local_sigmoid_products"], wrt=[0],
         scale=1.0),
    Case("-log(exp(X) / sum(exp(X), 1))[arange(n), y] (a hand-written softmax, logged, indexed)",
         lambda d: ([_mat(d), T.lvector("y")],
                    lambda x, y: -T.log(T.exp(x) / T.exp(x).sum(axis=1, keepdims=True))
                    [T.arange(y.shape[0]), y]),
         lambda d: [_rows(d), np.array([2, 0, 1, 1])],
         lambda v, y: (-sp.log_softmax(v, axis=1)[np.arange(4), y],
                       [_softmax_rows(v) - np.eye(3)[y]]),
         ["local_sigmoid_products"], wrt=[0],
         scale=1.0),
    Case("-log((exp(X) / sum(exp(X), 1))[:, 0]) (a hand-written softmax, one column)",
         lambda d: ([_mat(d)],
                    lambda x: -T.log((T.exp(x) / T.exp(x).sum(axis=1, keepdims=True))[:, 0])),
         lambda d: [_rows(d)],
         lambda v: (-sp.log_softmax(v, axis=1)[:, 0],
                    [_softmax_rows(v) - np.eye(3)[[0, 0, 0, 0]]]),
         ["local_scattered_product", "local_sigmoid_products"],
         scale=1.0),
    Case("-log(softmax(X)[rows, y]) with other rows than arange(n)",
         lambda d: ([_mat(d), T.lvector("y")],
                    lambda x, y: -T.log(T.nnet.softmax(x)[T.constant(np.array([3, 1, 0])), y])),
         lambda d: [_rows(d), np.array([2, 0, 1])],
         lambda v, y: (-sp.log_softmax(v, axis=1)[[3, 1, 0], y],
                       [(_softmax_rows(v) - np.eye(3)[[1, 0, 2, 2]]) * np.array([[1], [1], [0], [1]])]),
         ["local_log_of_indexed_softmax", "local_softmax_grad_of_indexed_quotient"], wrt=[0],
         scale=1.0),
    Case("categorical_crossentropy(softmax(X), y) + 0.1 * sum(log(softmax(X))) (one softmax)",
         lambda d: ([_mat(d), T.lvector("y")],
                    lambda x, y: T.nnet.categorical_crossentropy(T.nnet.softmax(x), y)
                    + np.asarray(0.1, dtype=d) * T.log(T.nnet.softmax(x)).sum(axis=1)),
         lambda d: [_rows(d), np.array([2, 0, 1, 1])],
         lambda v, y: (-sp.log_softmax(v, axis=1)[np.arange(4), y]
                       + 0.1 * sp.log_softmax(v, axis=1).sum(axis=1),
                       [_softmax_rows(v) - np.eye(3)[y] + 0.1 * (1 - 3 * _softmax_rows(v))]),
         ["local_crossentropy_softmax_fused", "local_softmax_grad_of_sum"], wrt=[0],
         scale=1.0),
    Case("crossentropy_categorical_1hot(softmax_op(x + b), y) of vectors (one row)",
         lambda d: ([_vec(d), _vec(d, "b"), T.lvector("y")],
                    lambda x, b, y: T.nnet.crossentropy_categorical_1hot(T.nnet.softmax_op(x + b), y)),
         lambda d: [_line(d), np.linspace(-1, 1, 9).astype(d), np.array([4])],
         lambda v, b, y: (-sp.log_softmax(v + b)[y],
                          [sp.softmax(v + b) - np.eye(9)[y[0]], sp.softmax(v + b) - np.eye(9)[y[0]]]),
         ["local_crossentropy_vector_softmax_fused", "local_crossentropy_vector_softmax_grad"],
         wrt=[0, 1], scale=1.0),
    # forward only: the gradient through the view (the view's adjoint between 1 / s and
    # s * (1 - s)) is not cancelled (docs/compatibility.md)
    Case("log(sigmoid(X).T[1:]), log(1 - flatten(sigmoid(X)))",
         lambda d: ([_mat(d)], lambda x: T.concatenate(
             [T.log(T.nnet.sigmoid(x).T[1:]).flatten(),
              T.log(_one(d) - T.flatten(T.nnet.sigmoid(x)))])),
         lambda d: [_rows(d)],
         lambda v: (np.concatenate([sp.log_expit(v).T[1:].ravel(), sp.log_expit(-v).ravel()]), []),
         ["local_log_sigmoid_through_views"], wrt=[]),
    Case("binary_crossentropy(sigmoid(X)[:, 1], t), log(sigmoid(X)[[0, 2]]) (indexed sigmoids)",
         lambda d: ([_mat(d), _vec(d, "t")], lambda x, t: T.concatenate(
             [T.nnet.binary_crossentropy(T.nnet.sigmoid(x)[:, 1], t),
              T.log(T.nnet.sigmoid(x)[[0, 2]]).flatten()])),
         lambda d: [_rows(d), np.array([1.0, 0.0, 0.3, 1.0], dtype=d)],
         lambda v, t: (np.concatenate([-t * sp.log_expit(v[:, 1]) - (1 - t) * sp.log_expit(-v[:, 1]),
                                       sp.log_expit(v[[0, 2]]).ravel()]),
                       [_indexed_sigmoid_grad(v, t)]),
         ["local_scattered_product", "local_sigmoid_products"], wrt=[0], scale=1.0),
    Case("log(1 + x), exp(x) - 1 near 0",
         lambda d: ([_vec(d)], lambda x: T.log(1 + x) + (T.exp(x) - 1)),
         lambda d: [np.array([1e-30, -1e-25, 1e-12, 0.25], dtype=d)],
         lambda v: (np.log1p(v) + np.expm1(v), [1 / (1 + v) + np.exp(v)]),
         ["local_log1p", "local_expm1"],
         moderate=lambda rng, d: (np.abs(rng.randn(4)) * 1e-3).astype(d)),
    Case("(4 * x) / abs(2 * x) at 0",
         # Theano 1.0 gave 2 * sgn(x): 0 at x = 0, where the naive quotient is 0/0 = NaN (the
         # derivative is 0 elsewhere and has no value at 0)
         lambda d: ([_vec(d)], lambda x: (4 * x) / abs(2 * x)),
         lambda d: [_line(d)],
         lambda v: (2 * np.sign(v), [np.where(v == 0, np.nan, 0.0)]),
         ["local_div_abs_to_sgn"]),
    Case("log(exp(x))",
         lambda d: ([_vec(d)], lambda x: T.log(T.exp(x))),
         lambda d: [_line(d)],
         lambda v: (v, [np.ones_like(v)]),
         ["local_inverse_pairs"]),
]

ALL_FIRED = {"local_sigmoid_products", "local_one_minus_sigmoid", "local_log_exp_sum",
             "local_softmax_grad_of_quotient", "local_log_sigmoid", "local_sigmoid_by_hand",
             "local_log1p", "local_log_sum_exp", "local_log_softmax", "local_expm1",
             "local_inverse_pairs", "local_crossentropy_softmax_fused",
             "local_crossentropy_softmax_grad", "local_sum_over_exp_sum",
             "local_sigmoid_sum_factor", "local_log_of_indexed_softmax",
             "local_softmax_grad_of_indexed_quotient", "local_log_sigmoid_through_views"}


def _graph(case, dtype):
    inputs, fn = case.build(dtype)
    out = fn(*inputs)
    wrt = case.wrt if case.wrt is not None else list(range(len(inputs)))
    grads = T.grad(out.sum(), [inputs[i] for i in wrt])
    return inputs, [out] + list(grads)


def _compile(case, dtype, mode):
    inputs, outputs = _graph(case, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RewriteWarning)  # a failing or looping rewrite is an error
        return theano.function(inputs, outputs, mode=mode)


def _reference(case, dtype):
    vals = case.values(dtype)
    fwd, grads = case.ref(*[np.asarray(v, dtype="float64") if np.asarray(v).dtype.kind == "f"
                            else np.asarray(v) for v in vals])
    return vals, [np.asarray(fwd)] + [np.asarray(g) for g in grads]


def _check(got, want, dtype, what):
    got = np.asarray(got)
    assert got.dtype == dtype, (what, got.dtype)
    assert got.shape == want.shape, (what, got.shape, want.shape)
    finite = np.isfinite(want)
    bad = finite & ~np.isfinite(got)
    assert not bad.any(), f"{what}: NaN/inf where the true value is finite: {got} vs {want}"
    rtol = 1e-5 if dtype == "float32" else 1e-9
    np.testing.assert_allclose(got[finite], want[finite], rtol=rtol, atol=rtol, err_msg=what)


@pytest.mark.parametrize("backend", sorted(BACKENDS))
@pytest.mark.parametrize("dtype", ("float64", "float32"))
@pytest.mark.parametrize("case", CASES, ids=repr)
def test_saturating_values_and_gradients(case, dtype, backend):
    f = _compile(case, dtype, BACKENDS[backend]())
    vals, want = _reference(case, dtype)
    for _ in range(2):  # a compiled function is called more than once
        got = f(*[np.copy(v) for v in vals])
        for i, (g, w) in enumerate(zip(got, want)):
            _check(g, w, dtype, f"{case.name} [{backend}, {dtype}] output {i}")


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_named_rewrites_fire(case):
    f = _compile(case, "float64", BACKENDS["py"]())
    counts = f.maker.fgraph.rewrite_stats.counts
    missing = [name for name in case.fires if not counts.get(name)]
    assert not missing, f"{case.name}: {missing} did not apply ({counts})"


def test_every_stability_rewrite_is_covered():
    import theano.tensor.rewriting  # noqa: F401  (registers the rewrites)

    tagged = {n for n, e in rewrite_db.entries.items() if "stability" in e.tags}
    declared = set().union(*(c.fires for c in CASES))
    assert ALL_FIRED <= tagged
    assert tagged <= declared, f"stability rewrites without a saturating case: {tagged - declared}"


@pytest.mark.parametrize("case", [c for c in CASES if "near 0" not in c.name], ids=repr)
def test_inputs_really_saturate(case):
    """Without rewrites the same graphs give NaN/inf where the true value is finite (so the cases
    above test something)."""
    dtype = "float64"
    f = _compile(case, dtype, theano.Mode(linker="py", optimizer="None"))
    vals, want = _reference(case, dtype)
    with np.errstate(all="ignore"):
        got = f(*[np.copy(v) for v in vals])
    broken = any((np.isfinite(w) & ~np.isfinite(np.asarray(g))).any() for g, w in zip(got, want))
    assert broken, case.name


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_not_less_accurate_than_naive(case):
    """Where the naive float32 graph is finite, the rewritten one is as close to the float64
    reference, up to a few rounding errors (of |value| + the size of the terms subtracted)."""
    dtype = "float32"
    eps = np.finfo(dtype).eps
    inputs, outputs = _graph(case, dtype)
    naive = theano.function(inputs, outputs, mode=theano.Mode(linker="py", optimizer="None"))
    good = _compile(case, dtype, BACKENDS["py"]())
    rng = np.random.RandomState(42)
    worst = 0.0
    for k in range(30):
        vals = list(case.values(dtype))
        if case.moderate is not None:
            vals[0] = case.moderate(rng, dtype)
        else:
            spread = 3.0 if k < 15 else 15.0
            vals[0] = (rng.randn(*np.shape(vals[0])) * spread).astype(dtype)
        ref_case = Case(case.name, case.build, lambda d, v=vals: v, case.ref, case.fires, case.wrt)
        _, want = _reference(ref_case, dtype)
        with np.errstate(all="ignore"):
            a = naive(*[np.copy(v) for v in vals])
        b = good(*[np.copy(v) for v in vals])
        for x, y, w in zip(a, b, want):
            x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
            ok = np.isfinite(x) & np.isfinite(w)
            assert np.all(np.isfinite(y[ok])), case.name
            extra = (np.abs(y - w) - np.abs(x - w))[ok] / (eps * (np.abs(w[ok]) + case.scale) +
                                                        np.finfo(dtype).tiny)
            if extra.size:
                worst = max(worst, float(extra.max()))
    assert worst <= 4.0, f"{case.name}: {worst:.1f} rounding errors worse than the naive formula"
