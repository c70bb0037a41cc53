"""The modules of theano.tensor form layers: each imports only the modules before it in ORDER, at
module level and inside functions. Where a lower module calls a function of a higher one while
building graphs (Elemwise converting its inputs with as_tensor_variable, CAReduce's gradient
summing, a list stacked into a tensor), the higher module provides it by name
(``theano.tensor.type._provide``) and the lower one looks it up when it runs. DEFERRED, the
imports allowed to reach up with their reasons, is empty; the test fails on any upward import."""

import ast
import importlib
import pathlib

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.tensor.basic import get_scalar_constant_value, NotScalarConstantError
from theano.tensor.reshaping import get_vector_length, vector_entries
from theano.tensor.type import TensorType

TENSOR = pathlib.Path(theano.__file__).parent / "tensor"

# lowest first; a sub-package is one layer (its modules may import each other)
ORDER = [
    "type", "type_other", "elemwise", "basic", "assertions", "math", "grad_shaping", "reshaping", "allocation", "joining", "subtensor", "subtensor_slicevar",
    "subtensor_advanced", "sorting", "linalg_ops", "repeating", "cumulative", "searching", "counting",
    "index_arrays", "diagonal_fill", "statistics", "variable", "extra_ops", "fft", "fourier", "nlinalg", "slinalg", "blas", "blas_scipy", "blas_c", "xlogx", "io",
    "inplace", "sharedvar", "nnet", "signal", "random", "raw_random", "shared_randomstreams",
    "rewriting", "utils", "opt", "opt_uncanonicalize", "__init__",
]

# (importing module, imported module): why the import has to wait for a call
DEFERRED = {}


def _layer(relpath):
    parts = relpath.with_suffix("").parts
    return parts[0]


def _target(node, package_modules):
    """The tensor layer an import statement reaches, or None when it is outside theano.tensor."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        if node.level or not node.module:
            return None
        if node.module == "theano.tensor":
            names = [f"theano.tensor.{a.name}" if a.name in package_modules else "theano.tensor"
                     for a in node.names]
        else:
            names = [node.module]
    out = []
    for n in names:
        if n == "theano.tensor":
            out.append("__init__")
        elif n.startswith("theano.tensor."):
            out.append(n.split(".")[2])
    return out


def _imports():
    package_modules = {p.stem if p.is_file() else p.name for p in TENSOR.iterdir()
                       if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))}
    found = []  # (layer, target layer, deferred?, file:line)
    for path in sorted(TENSOR.rglob("*.py")):
        rel = path.relative_to(TENSOR)
        layer = _layer(rel)
        tree = ast.parse(path.read_text())
        in_function = set()
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                in_function.update(id(n) for n in ast.walk(fn))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for tgt in _target(node, package_modules) or []:
                    if tgt != layer:
                        found.append((layer, tgt, id(node) in in_function, f"{rel}:{node.lineno}"))
    return found


def test_every_tensor_module_has_a_place_in_the_order():
    layers = {_layer(p.relative_to(TENSOR)) for p in TENSOR.rglob("*.py")}
    assert layers <= set(ORDER), sorted(layers - set(ORDER))


def test_modules_import_only_layers_below():
    rank = {m: i for i, m in enumerate(ORDER)}
    bad, used = [], set()
    for layer, tgt, deferred, where in _imports():
        if rank[tgt] < rank[layer]:
            continue
        if deferred and (layer, tgt) in DEFERRED:
            used.add((layer, tgt))
            continue
        bad.append(f"{where}: {layer} imports {tgt} ({'in a function' if deferred else 'at module level'})")
    assert not bad, "\n".join(bad)
    # an entry that no import needs any more goes
    stale = set(DEFERRED) - used
    assert not stale, f"no longer needed: {sorted(stale)}"


def test_theano1_module_paths_still_resolve():
    # Theano 1.0 kept most ops in tensor/basic.py and all indexing in tensor/subtensor.py
    for mod, name, home in [
        ("basic", "Join", "joining"), ("basic", "stack", "joining"), ("basic", "Alloc", "allocation"),
        ("basic", "ARange", "allocation"), ("basic", "SpecifyShape", "reshaping"), ("basic", "tile", "extra_ops"),
        ("basic", "choose", "extra_ops"), ("subtensor", "AdvancedSubtensor1", "subtensor_advanced"),
        ("subtensor", "set_subtensor", "subtensor_advanced"), ("subtensor", "take", "subtensor_advanced"),
        ("extra_ops", "squeeze", "reshaping"), ("extra_ops", "repeat", "extra_ops"),
        ("reshaping", "Shape_i", "basic"), ("sort", "argsort", "sorting"), ("var", "TensorVariable", "variable"),
    ]:
        obj = getattr(importlib.import_module(f"theano.tensor.{mod}"), name)
        assert obj is getattr(importlib.import_module(f"theano.tensor.{home}"), name), (mod, name)
        assert getattr(T, name) is obj
    with pytest.raises(AttributeError):
        importlib.import_module("theano.tensor.subtensor").no_such_name
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("theano.tensor.shape_ops")


def test_exports_reach_theano_tensor():
    import importlib

    # T.sort is the function (as in Theano); the module is sorting.py
    mods = [importlib.import_module(f"theano.tensor.{m}") for m in (
        "allocation", "joining", "reshaping", "extra_ops", "sorting", "subtensor", "subtensor_advanced")]
    assert callable(T.sort)

    for mod in mods:
        for name in mod.__all__:
            assert hasattr(mod, name), (mod.__name__, name)
            assert hasattr(T, name), (mod.__name__, name)


# -- the protocol ops of higher layers use to tell lower layers what is known statically -----------


class _Iota(Op):
    """A test op: the int64 vector 0..n-1 for a Python int n, which it reports statically."""

    __props__ = ("n",)

    def __init__(self, n):
        self.n = n

    def make_node(self):
        return Apply(self, [], [TensorType("int64", (False,))()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.arange(self.n, dtype="int64")

    def static_vector_length(self, node):
        return self.n

    def static_vector_entries(self, node):
        return [T.constant(i, dtype="int64") for i in range(self.n)]


@pytest.mark.parametrize("mode", ["FAST_COMPILE", None])
def test_static_vector_protocol_of_a_new_op(mode):
    v = _Iota(4)()
    assert get_vector_length(v) == 4
    entries = vector_entries(v)
    assert [int(e.data) for e in entries] == [0, 1, 2, 3]
    # reshape reads the entries: the result's ndim comes from the op's own answer
    x = T.dvector("x")
    r = T.reshape(x, v[1:3], ndim=2)
    f = theano.function([x], r, mode=mode)
    for _ in range(2):
        np.testing.assert_array_equal(f(np.arange(2.0)), np.arange(2.0).reshape(1, 2))
    with pytest.raises(ValueError, match="not known"):
        get_vector_length(T.lvector("w"))


def test_static_values_from_subtensor_arange_join():
    x = T.dmatrix("x")
    m = T.matrix("m", dtype="float64").type.clone(broadcastable=(False, True))("m")
    assert get_vector_length(T.arange(2, 9, 3)) == len(range(2, 9, 3))
    assert get_vector_length(T.join(0, T.arange(3), T.constant(np.zeros(4, "int64")), T.arange(2))) == 9
    with pytest.raises(ValueError, match="not known"):  # a slice of a vector of unknown length
        get_vector_length(T.lvector("a")[:0])
    assert get_vector_length(T.arange(10)[2:7:2]) == 3
    assert get_vector_length(x.shape[1:]) == 1
    e = vector_entries(T.stack([T.lscalar("a"), T.lscalar("b"), T.lscalar("c")])[::2])
    assert [v.name for v in e] == ["a", "c"]
    assert int(get_scalar_constant_value(m.shape[1])) == 1
    assert int(get_scalar_constant_value(T.stack([T.constant(7), x.shape[0]])[0])) == 7
    assert int(get_scalar_constant_value(T.constant(np.array([4, 5, 6]))[-1])) == 6
    with pytest.raises(NotScalarConstantError):
        get_scalar_constant_value(x.shape[0])


# -- module names ----------------------------------------------------------------------------------

_CLASH_SCRIPT = r"""
import importlib, pkgutil
import theano.tensor
clashes = []
todo = ["theano.tensor"]
while todo:
    pkg = importlib.import_module(todo.pop())
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("_"):
            continue
        full = f"{pkg.__name__}.{info.name}"
        before = pkg.__dict__.get(info.name)
        module = importlib.import_module(full)
        after = pkg.__dict__.get(info.name)
        for value in (before, after):
            if value is not None and value is not module:
                clashes.append(f"{full} ({type(value).__name__} {pkg.__name__}.{info.name})")
                break
        if info.ispkg:
            todo.append(full)
print("\n".join(sorted(clashes)))
"""


def test_no_submodule_is_named_like_another_attribute_of_its_package():
    # ``import theano.tensor.alloc as m`` gives the package's attribute ``alloc``: when the package
    # also exports a function of that name, which one the path means depends on import order
    # (importing the module rebinds the attribute). Checked in a fresh interpreter, so that the
    # package's own names are seen before any test imports its submodules.
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _CLASH_SCRIPT], capture_output=True, text=True,
                         check=True, cwd=TENSOR.parent.parent)
    assert out.stdout.strip() == "", "modules named like another attribute of their package:\n" + out.stdout


def test_theano1_paths_of_renamed_modules():
    # theano.tensor.sort and theano.tensor.var were modules in Theano 1.0 and are functions of the
    # package too (T.sort, T.var): the import paths still reach the modules, the attributes are the
    # functions.
    from theano.tensor.sort import SortOp, argsort
    from theano.tensor.var import TensorConstant, TensorVariable

    assert SortOp is T.SortOp and argsort is T.argsort
    assert TensorVariable is T.TensorVariable and TensorConstant is T.TensorConstant
    assert importlib.import_module("theano.tensor.sort") is importlib.import_module("theano.tensor.sorting")
    assert callable(T.sort) and callable(T.var)
    x = T.dvector("x")
    f = theano.function([x], [T.sort(x), T.var(x)])
    v = np.array([3.0, 1.0, 2.0])
    for _ in range(2):
        got = f(v)
        np.testing.assert_array_equal(got[0], np.sort(v))
        np.testing.assert_allclose(got[1], np.var(v))


def test_provided_functions_are_the_higher_modules_own():
    from theano.tensor import allocation, basic, joining, linalg_ops, math
    from theano.tensor.type import _provided

    assert _provided("as_tensor_variable") is basic.as_tensor_variable
    assert _provided("sum") is math.sum and _provided("stack") is joining.stack
    assert _provided("alloc") is allocation.alloc and _provided("tensordot") is linalg_ops.tensordot
    with pytest.raises(RuntimeError, match="not available"):
        _provided("no_such_function")
