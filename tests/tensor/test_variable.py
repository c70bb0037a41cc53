"""TensorVariable's operators and methods (theano/tensor/variable.py), which build with the ops of the
tensor modules below it, against NumPy on the reference VM and the default backend; and the
variable classes TensorType gets from variable.py, which is imported after those modules."""

import os
import subprocess
import sys

import numpy as np
import pytest

import theano
import theano.tensor as T
from tests.helpers import rand

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODES = {"py": lambda: theano.Mode(linker="py", optimizer="None"),
         "numba": lambda: theano.Mode(linker="auto", optimizer="fast_run")}

A = rand(3, 4, seed=41) * 2
B = rand(3, 4, seed=42) + 2.5
V = np.array([3.0, -1.0, 2.0, 0.0])

# (name, expression of the symbolic a, b (3x4 float64) and v (vector), the same in NumPy)
CASES = [
    ("add", lambda a, b, v: a + b + 1, lambda a, b, v: a + b + 1),
    ("radd", lambda a, b, v: 2.0 + a, lambda a, b, v: 2.0 + a),
    ("sub", lambda a, b, v: a - b, lambda a, b, v: a - b),
    ("rsub", lambda a, b, v: 1 - a, lambda a, b, v: 1 - a),
    ("mul", lambda a, b, v: a * b * 3, lambda a, b, v: a * b * 3),
    ("truediv", lambda a, b, v: a / b, lambda a, b, v: a / b),
    ("rtruediv", lambda a, b, v: 1.0 / b, lambda a, b, v: 1.0 / b),
    ("floordiv", lambda a, b, v: a // b, lambda a, b, v: a // b),
    ("mod", lambda a, b, v: a % b, lambda a, b, v: a % b),
    ("pow", lambda a, b, v: b ** a, lambda a, b, v: b ** a),
    ("rpow", lambda a, b, v: 2 ** a, lambda a, b, v: 2 ** a),
    ("neg abs", lambda a, b, v: -abs(a), lambda a, b, v: -np.abs(a)),
    ("matmul", lambda a, b, v: a @ b.T, lambda a, b, v: a @ b.T),
    ("dot", lambda a, b, v: a.dot(v), lambda a, b, v: a.dot(v)),
    ("compare", lambda a, b, v: (a < b) & (a >= 0) | (a > 1.5) ^ (b <= 3),
     lambda a, b, v: (a < b) & (a >= 0) | (a > 1.5) ^ (b <= 3)),
    ("invert", lambda a, b, v: ~(a > 0), lambda a, b, v: ~(a > 0)),
    ("shape size", lambda a, b, v: a.shape * a.size, lambda a, b, v: np.array(a.shape) * a.size),
    ("T dimshuffle", lambda a, b, v: a.T + a.dimshuffle(1, 0), lambda a, b, v: 2 * a.T),
    ("transpose reshape", lambda a, b, v: a.transpose().reshape((2, 6)), lambda a, b, v: a.T.reshape(2, 6)),
    ("flatten ravel", lambda a, b, v: a.flatten() + a.ravel(), lambda a, b, v: 2 * a.ravel()),
    ("astype copy", lambda a, b, v: a.astype("int64").copy(), lambda a, b, v: a.astype("int64")),
    ("squeeze swapaxes", lambda a, b, v: a.dimshuffle("x", 0, 1).squeeze().swapaxes(0, 1),
     lambda a, b, v: a.T),
    ("repeat", lambda a, b, v: v.repeat(2), lambda a, b, v: v.repeat(2)),
    ("diagonal trace", lambda a, b, v: a.diagonal(1) + a.trace(), lambda a, b, v: a.diagonal(1) + a.trace()),
    ("fill zeros ones", lambda a, b, v: a.fill(2.0) + a.zeros_like() + a.ones_like(),
     lambda a, b, v: np.full_like(a, 3.0)),
    ("reductions", lambda a, b, v: T.stack([a.sum(), a.prod(), a.mean(), a.max(), a.min(), a.var(),
                                            a.std()]),
     lambda a, b, v: np.array([a.sum(), a.prod(), a.mean(), a.max(), a.min(), a.var(), a.std()])),
    ("reductions axis", lambda a, b, v: a.sum(axis=1, keepdims=True) + a.argmax(axis=0) + a.argmin(),
     lambda a, b, v: a.sum(axis=1, keepdims=True) + a.argmax(axis=0) + a.argmin()),
    ("all any", lambda a, b, v: T.stack([(a > -5).all(), (a > 5).any()]),
     lambda a, b, v: np.array([(a > -5).all(), (a > 5).any()])),
    ("norm", lambda a, b, v: T.stack([v.norm(1), v.norm(2), v.norm(3)]),
     lambda a, b, v: np.array([np.abs(v).sum(), np.sqrt((v ** 2).sum()), (np.abs(v) ** 3).sum() ** (1 / 3)])),
    ("cumsum cumprod", lambda a, b, v: a.cumsum(axis=1) + a.cumprod(axis=0),
     lambda a, b, v: a.cumsum(axis=1) + a.cumprod(axis=0)),
    ("sort argsort", lambda a, b, v: a.sort() + a.argsort(axis=0), lambda a, b, v: np.sort(a) + a.argsort(axis=0)),
    ("searchsorted", lambda a, b, v: v.sort().searchsorted(a.flatten()),
     lambda a, b, v: np.sort(v).searchsorted(a.ravel())),
    ("clip round", lambda a, b, v: a.clip(-0.5, 0.5) + (a * 3).round(), lambda a, b, v: a.clip(-0.5, 0.5) + np.round(a * 3)),
    ("nonzero", lambda a, b, v: v.nonzero()[0] + v.nonzero_values().sum(),
     lambda a, b, v: v.nonzero()[0] + v[v != 0].sum()),
    ("take getitem", lambda a, b, v: a.take([2, 0], axis=1)[1:, ::-1] + a[0, 1],
     lambda a, b, v: a.take([2, 0], axis=1)[1:, ::-1] + a[0, 1]),
    ("conj real imag", lambda a, b, v: a.conj() + a.real + a.imag, lambda a, b, v: 2 * a),
]


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("name,build,expected", CASES, ids=[c[0] for c in CASES])
def test_methods_and_operators_against_numpy(name, build, expected, mode):
    a, b, v = T.dmatrix("a"), T.dmatrix("b"), T.dvector("v")
    f = theano.function([a, b, v], build(a, b, v), mode=MODES[mode](), on_unused_input="ignore")
    want = expected(A, B, V)
    for _ in range(2):
        got = f(A, B, V)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, err_msg=name)


def test_comparisons_have_no_truth_value_and_iteration_needs_a_known_length():
    x = T.dvector("x")
    with pytest.raises(TypeError):
        bool(x < 1)
    a, b = T.as_tensor_variable(np.array([4, 5]))  # a constant vector: its length is known
    assert [int(a.eval()), int(b.eval())] == [4, 5]
    with pytest.raises(TypeError, match="iteration"):
        list(x)


def test_tensor_type_variables_are_tensor_variables_from_the_first_import():
    # variable.py sets TensorType's variable classes after the modules below it are imported:
    # none of them may make a tensor variable while it is imported
    code = ("import gc, theano, theano.tensor\n"
            "from theano.graph.basic import Variable\n"
            "from theano.tensor.type import TensorType\n"
            "from theano.tensor.variable import _tensor_py_operators\n"
            "bad = [v for v in gc.get_objects() if isinstance(v, Variable)\n"
            "       and isinstance(getattr(v, 'type', None), TensorType)\n"
            "       and not isinstance(v, _tensor_py_operators)]\n"
            "print(len(bad), bad[:3])\n"
            "print(type(theano.tensor.constant(1.0)).__name__, type(theano.tensor.dvector()).__name__)\n")
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    assert p.stdout.split("\n")[:2] == ["0 []", "TensorConstant TensorVariable"]


def test_theano1_paths_of_the_variable_classes():
    import theano.tensor.basic as tb
    from theano.tensor.var import TensorVariable

    assert tb.TensorVariable is T.TensorVariable is TensorVariable
    assert tb.TensorConstant is T.TensorConstant
    assert T.TensorType.variable_type is T.TensorVariable
    assert T.TensorType.constant_type is T.TensorConstant


# ---- divmod, conjugate, ptp, choose as methods ------------------------------------------------


@pytest.mark.parametrize("mode", sorted(MODES))
def test_divmod_matches_python(mode):
    x, y = T.dscalars("x", "y")
    d, r = divmod(x, y)
    i = T.iscalar("i")
    d2, r2 = divmod(7, i)  # __rdivmod__
    f = theano.function([x, y, i], [d, r, d2, r2], mode=MODES[mode]())
    for a, b in [(5, 3), (-5, 3), (5, -3), (-5, -3), (1, -2), (0, -1), (7.5, 2)]:
        for _ in range(2):
            got = f(a, b, int(b))
            assert (float(got[0]), float(got[1])) == divmod(a, b)
            assert (int(got[2]), int(got[3])) == divmod(7, int(b))


@pytest.mark.parametrize("mode", sorted(MODES))
def test_conjugate_ptp_choose_methods(mode):
    z = T.zvector("z")
    m = T.dmatrix("m")
    a = T.ivector("a")
    c = T.fmatrix("c")
    outs = [z.conjugate(), z.conj(), m.ptp(1), m.ptp(), a.choose(c)]
    f = theano.function([z, m, a, c], outs, mode=MODES[mode]())
    f2 = theano.function([a, c], [a.choose(c, mode="wrap"), a.choose(c, mode="clip")],
                         mode=MODES[mode]())
    rng = np.random.RandomState(3)
    for _ in range(2):
        zv = rng.randn(3) + 1j * rng.randn(3)
        mv = rng.randn(4, 5)
        av = rng.randint(0, 4, 4).astype("int32")
        aw = rng.randint(-6, 9, 4).astype("int32")
        cv = rng.rand(4, 4).astype("float32")
        got = f(zv, mv, av, cv)
        np.testing.assert_array_equal(got[0], zv.conj())
        np.testing.assert_array_equal(got[1], zv.conj())
        np.testing.assert_array_equal(got[2], np.ptp(mv, 1))
        np.testing.assert_array_equal(got[3], np.ptp(mv))
        np.testing.assert_array_equal(got[4], av.choose(cv))
        w, cl = f2(aw, cv)
        np.testing.assert_array_equal(w, aw.choose(cv, mode="wrap"))
        np.testing.assert_array_equal(cl, aw.choose(cv, mode="clip"))
