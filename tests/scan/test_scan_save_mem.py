"""scan_save_mem: a state read only at its last steps (reduce, foldl, ``scan(...)[-k]``) is kept
in a ring of ``taps + k`` rows instead of one row per step, with the same values on every path
(whole-graph Numba function, compiled loop, Python loop, reference VM) and the same errors."""

import pickle

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.scan.op import Buffer, Scan

NUMBA = theano.Mode(linker="numba", optimizer="fast_run")
PY = theano.Mode(linker="py", optimizer="fast_run")
MODES = {"numba": NUMBA, "py": PY}
try:
    import jax  # noqa: F401
    MODES["jax"] = theano.Mode(linker="jax", optimizer="fast_run")
except ImportError:
    pass


def _scan_nodes(f):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]


def _kept(f):
    return [b.keep for n in _scan_nodes(f) for b in n.op.buffers if b.writes]


def _powers(x0, a, n):
    out, v = [], x0
    for _ in range(n):
        v = v @ a
        out.append(v)
    return out


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_last_rows_of_a_matrix_state(mode, dtype):
    x = T.matrix("x", dtype=dtype)
    a = T.matrix("a", dtype=dtype)
    k = T.iscalar("k")
    r, _ = theano.scan(lambda acc, a: T.dot(acc, a), outputs_info=x, non_sequences=a, n_steps=k)
    f = theano.function([x, a, k], [r[-1], r[-3]], mode=MODES[mode])
    assert _kept(f) == [4]          # 1 tap + the last 3 steps
    rng = np.random.RandomState(0)
    x0 = rng.rand(3, 4).astype(dtype)
    a0 = (rng.rand(4, 4) * 0.5).astype(dtype)
    tol = 1e-5 if dtype == "float32" else 1e-12
    for n in (9, 4, 3):
        ref = _powers(x0, a0, n)
        for _ in range(3):
            last, third = f(x0, a0, n)
            assert last.dtype == dtype
            np.testing.assert_allclose(last, ref[-1], rtol=tol)
            np.testing.assert_allclose(third, ref[-3], rtol=tol)
    # fewer steps than the index reaches: the same IndexError as without the rewrite
    for n in (2, 1):
        with pytest.raises(IndexError):
            f(x0, a0, n)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("size", [5, 3000])     # whole-graph function / per-node loop
def test_reduce_and_foldl_keep_two_rows(mode, size):
    x = T.dvector("x")
    s, _ = theano.reduce(lambda v, acc: acc + v * v, x, T.constant(np.float64(0)))
    p, _ = theano.foldl(lambda v, acc: acc * 0.5 + T.tanh(v), x, T.constant(np.float64(1)))
    f = theano.function([x], [s, p], mode=MODES[mode])
    assert _kept(f) == [2, 2]
    v = np.linspace(-1000, 1000, size)        # saturating values: tanh stays finite
    ref_p = 1.0
    for e in v:
        ref_p = ref_p * 0.5 + np.tanh(e)
    for _ in range(3):
        got_s, got_p = f(v)
        np.testing.assert_allclose(got_s, np.sum(v * v), rtol=1e-12)
        np.testing.assert_allclose(got_p, ref_p, rtol=1e-12)


def test_same_values_with_and_without_the_rewrite_and_same_bits_every_call():
    h = T.dvector("h")
    w = T.dmatrix("w")
    seq = T.dmatrix("seq")
    out, _ = theano.scan(lambda u, hp, w: T.tanh(T.dot(hp, w) + u), sequences=seq,
                         outputs_info=h, non_sequences=w)
    rng = np.random.RandomState(1)
    vals = (rng.randn(64), rng.randn(64, 64) * 0.2, rng.randn(40, 64))
    f = theano.function([h, w, seq], out[-1], mode=NUMBA)
    g = theano.function([h, w, seq], out[-1], mode=NUMBA.excluding("scan_save_mem"))
    assert _kept(f) == [2] and _kept(g) == [0]
    first = f(*vals)
    np.testing.assert_array_equal(first, g(*vals))
    for _ in range(3):
        np.testing.assert_array_equal(f(*vals), first)


def test_a_state_read_whole_is_not_shortened():
    x = T.dvector("x")
    r, _ = theano.scan(lambda acc: acc * 2, outputs_info=x, n_steps=5)
    f = theano.function([x], [r, r[-1]], mode=NUMBA)
    assert _kept(f) == [0]
    full, last = f(np.ones(3))
    np.testing.assert_array_equal(full, [[2.0] * 3, [4.0] * 3, [8.0] * 3, [16.0] * 3, [32.0] * 3])
    np.testing.assert_array_equal(last, full[-1])
    # a gradient reads every step of the forward loop: it keeps them all
    c = r[-1].sum()
    fg = theano.function([x], T.grad(c, x), mode=NUMBA)
    np.testing.assert_array_equal(fg(np.ones(3)), [32.0] * 3)


def test_the_loop_allocates_only_the_kept_rows():
    x = T.dvector("x")
    r, _ = theano.scan(lambda acc: T.tanh(acc) + 1.0, outputs_info=x, n_steps=500)
    f = theano.function([x], r[-1], mode=PY)
    v = np.linspace(-2, 2, 2000)
    ref = v
    for _ in range(500):
        ref = np.tanh(ref) + 1.0
    np.testing.assert_allclose(f(v), ref, rtol=1e-12)
    (node,) = _scan_nodes(f)
    assert [buf.shape for buf in node.op._pool.values()] == [(2, 2000)]


def test_kept_rows_survive_pickling():
    x = T.dvector("x")
    s, _ = theano.reduce(lambda v, acc: acc + v, x, T.constant(np.float64(0)))
    f = theano.function([x], s, mode=NUMBA)
    f2 = pickle.loads(pickle.dumps(f))
    assert _kept(f2) == [2]
    v = np.arange(7.0)
    assert f2(v) == f(v) == 21.0
    # a buffer pickled before buffers could keep rows reads back as keeping all of them
    b = Buffer((0,), (1,), "head")
    old = Buffer.__new__(Buffer)
    old.__setstate__((None, {"reads": b.reads, "writes": b.writes, "init": "head", "label": ""}))
    assert old.keep == 0 and old.writes == (1,)


def test_buffer_keep_is_checked_and_a_kept_loop_has_no_gradient():
    with pytest.raises(ValueError, match="keep"):
        Buffer((0,), (1,), "full", keep=2)
    with pytest.raises(ValueError, match="keep"):
        Buffer((0,), (1,), "head", keep=1)      # fewer rows than its taps read
    x = T.dvector("x")
    s, _ = theano.reduce(lambda v, acc: acc + v, x, T.constant(np.float64(0)))
    f = theano.function([x], s, mode=NUMBA)
    (node,) = _scan_nodes(f)
    with pytest.raises(NotImplementedError, match="differentiate"):
        node.op.L_op(node.inputs, node.outputs, [T.dvector()] + [None] * (len(node.outputs) - 1))


def test_jax_backend_keeps_the_last_rows_and_agrees_with_the_reference():
    """The JAX translation runs a kept state as a ring in the loop's carry (not a lax.scan
    stacking every step): the values of the reference VM, the same bits on every call."""
    pytest.importorskip("jax")
    jax_mode = MODES["jax"]
    x = T.dvector("x")
    w = T.dmatrix("w")
    s, _ = theano.reduce(lambda v, acc: acc + v * v, x, T.constant(np.float64(0)))
    steps = T.iscalar("n")
    # two taps, read at the last and the second-to-last steps
    r, _ = theano.scan(lambda a, b, w: T.tanh(T.dot(b, w) + a),
                       outputs_info=dict(initial=T.stack([x[:3], x[3:6]]), taps=[-2, -1]),
                       non_sequences=w, n_steps=steps)
    f = theano.function([x, w, steps], [s, r[-1], r[-2]], mode=jax_mode)
    ref = theano.function([x, w, steps], [s, r[-1], r[-2]], mode=PY)
    assert _kept(f) == [2, 4] and _kept(ref) == [2, 4]
    rng = np.random.RandomState(3)
    v = rng.uniform(-1000, 1000, 6)     # saturating: tanh stays finite
    wv = rng.randn(3, 3)
    for n in (2, 3, 7):
        expected = ref(v, wv, n)
        first = f(v, wv, n)
        for got, want in zip(first, expected):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
        for _ in range(2):
            for got, again in zip(first, f(v, wv, n)):
                np.testing.assert_array_equal(got, again)


def test_debugmode_checks_the_kept_loop_against_the_original_graph():
    x = T.dvector("x")
    s, _ = theano.reduce(lambda v, acc: acc + v * v, x, T.constant(np.float64(0)))
    f = theano.function([x], s, mode="DebugMode")
    np.testing.assert_allclose(f(np.arange(6.0)), 55.0)


@pytest.mark.parametrize("mode", ["FAST_RUN", "FAST_COMPILE", "py", "jax"])
def test_fewer_steps_than_kept_rows(mode):
    """A ring of 4 rows (reads at -1 and -3) after 2 steps: the rows written are the last ones
    of the output, a read within them is right and one beyond them raises, on every path
    (the lazy ifelse lets a call read only r[-1])."""
    from theano.ifelse import ifelse

    if mode == "jax":
        pytest.importorskip("jax")
    m = {"FAST_RUN": NUMBA, "FAST_COMPILE": "FAST_COMPILE", "py": PY}.get(mode) or MODES[mode]
    x = T.dvector("x")
    k = T.iscalar("k")
    c = T.iscalar("c")
    r, _ = theano.scan(lambda acc: acc * 2 + 1, outputs_info=x, n_steps=k)
    f = theano.function([x, k, c], ifelse(c, r[-1], r[-3]), mode=m)
    g = theano.function([x, k], [r[-1], r[-3]], mode=m)
    if mode != "FAST_COMPILE":
        assert _kept(f) == [4] and _kept(g) == [4]
    for _ in range(3):
        np.testing.assert_array_equal(f(np.zeros(2), 2, 1), [3.0, 3.0])
        np.testing.assert_array_equal(f(np.zeros(2), 1, 1), [1.0, 1.0])
        np.testing.assert_array_equal(f(np.zeros(2), 5, 0), [7.0, 7.0])
        last, third = g(np.zeros(2), 3)
        np.testing.assert_array_equal(last, [7.0, 7.0])
        np.testing.assert_array_equal(third, [1.0, 1.0])
        with pytest.raises(IndexError):
            g(np.zeros(2), 2)
