"""Functions pickled by Theano 1.0 load and run (theano/compile/theano1_pickle.py).

There is no Theano 1.0 here to pickle with, so the tests write the pickle stream themselves
(protocol 2, the opcodes pickle itself writes): objects of Theano 1.0's classes, named by Theano's
import paths, holding the attributes Theano 1.0's classes had, wrapped in Theano's
``_constructor_Function(_constructor_FunctionMaker(kwargs), input_storage, inputs_data,
trust_input)``. The loaded functions are checked against NumPy.
"""

import pickle
import struct

import numpy as np
import pytest

import theano
from theano.compile.mode import Mode
from theano.misc.ordered_set import OrderedSet


# -- a minimal protocol-2 pickle writer ------------------------------------------------------------
class G:
    """A global (module attribute) of the pickle."""

    def __init__(self, module, name):
        self.module, self.name = module, name


class Obj:
    """``cls.__new__(cls)`` then its state (BUILD), as pickle writes plain objects."""

    def __init__(self, module, name, state):
        self.cls = G(module, name)
        self.state = state


class Call:
    """``func(*args)`` (REDUCE)."""

    def __init__(self, func, *args):
        self.func, self.args = func, args


class Writer:
    def __init__(self):
        self.out = bytearray(b"\x80\x02")
        self.memo = {}

    def _put(self, obj):
        n = len(self.memo)
        self.memo[id(obj)] = (n, obj)
        self.out += b"p%d\n" % n

    def w(self, x):
        if id(x) in self.memo and isinstance(x, (Obj, list, dict, Call)):
            self.out += b"g%d\n" % self.memo[id(x)][0]
            return
        if x is None:
            self.out += b"N"
        elif x is True:
            self.out += b"\x88"
        elif x is False:
            self.out += b"\x89"
        elif isinstance(x, int):
            self.out += b"J" + struct.pack("<i", x)
        elif isinstance(x, float):
            self.out += b"G" + struct.pack(">d", x)
        elif isinstance(x, str):
            data = x.encode("utf-8")
            self.out += b"X" + struct.pack("<I", len(data)) + data
        elif isinstance(x, tuple):
            self.out += b"("
            for item in x:
                self.w(item)
            self.out += b"t"
        elif isinstance(x, list):
            self.out += b"]"
            self._put(x)
            if x:
                self.out += b"("
                for item in x:
                    self.w(item)
                self.out += b"e"
        elif isinstance(x, dict):
            self.out += b"}"
            self._put(x)
            if x:
                self.out += b"("
                for k, v in x.items():
                    self.w(k)
                    self.w(v)
                self.out += b"u"
        elif isinstance(x, G):
            self.out += b"c" + x.module.encode() + b"\n" + x.name.encode() + b"\n"
        elif isinstance(x, np.ndarray):
            self.w(Call(G("numpy", "array"), x.tolist(), str(x.dtype)))
        elif isinstance(x, Call):
            self.w(x.func)
            self.w(tuple(x.args))
            self.out += b"R"
            self._put(x)
        elif isinstance(x, Obj):
            self.w(x.cls)
            self.out += b")\x81"
            self._put(x)
            self.w(x.state)
            self.out += b"b"
        else:
            raise TypeError(x)

    def dumps(self, x):
        self.w(x)
        return bytes(self.out + b".")


# -- objects in Theano 1.0's layout ----------------------------------------------------------------
def scratchpad(**kw):
    return Obj("theano.gof.utils", "scratchpad", dict(kw))


def ttype(dtype, bcast):
    return Obj("theano.tensor.type", "TensorType",
               {"dtype": dtype, "broadcastable": tuple(bcast), "name": None, "sparse_grad": False,
                "numpy_dtype": Call(G("numpy", "dtype"), dtype)})


_count = [0]


def var(t, name=None, owner=None, index=None, cls="TensorVariable"):
    _count[0] += 1
    return Obj("theano.tensor.var", cls, {"type": t, "owner": owner, "index": index, "name": name,
                                         "tag": scratchpad(trace=[]), "auto_name": f"auto_{_count[0]}"})


def const(t, data):
    v = var(t, cls="TensorConstant")
    v.state["data"] = np.asarray(data)
    return v


def apply(op, inputs, out_types):
    node = Obj("theano.gof.graph", "Apply", {"op": op, "inputs": list(inputs), "outputs": [],
                                              "tag": scratchpad()})
    for i, t in enumerate(out_types):
        node.state["outputs"].append(var(t, owner=node, index=i))
    return node.state["outputs"]


def scalar_op(cls, name):
    return Obj("theano.scalar.basic", cls, {"name": name,
                                            "output_types_preference": G("theano.scalar.basic",
                                                                         "upcast_out")})


def elemwise(cls, name):
    return Obj("theano.tensor.elemwise", "Elemwise",
               {"scalar_op": scalar_op(cls, name), "inplace_pattern": {}, "destroy_map": {},
                "name": None, "nfunc_spec": None, "openmp": False})


def dimshuffle(bcast, order):
    return Obj("theano.tensor.elemwise", "DimShuffle",
               {"input_broadcastable": tuple(bcast), "new_order": tuple(order), "inplace": False,
                "drop": [], "augment": [i for i, o in enumerate(order) if o == "x"]})


def in_spec(variable, value=None, update=None, implicit=False, name=None):
    return Obj("theano.compile.io", "In",
               {"variable": variable, "name": name, "value": value, "update": update,
                "mutable": False, "strict": False, "allow_downcast": None, "implicit": implicit,
                "borrow": None, "shared": implicit, "autoname": True})


def theano1_function_pickle(twice=False):
    """A Theano 1.0 pickle of ``f = function([x, In(s, value=2.)], [pool(x), sum(x * s) + 1.5,
    w + w], updates={w: w + s})`` (old-interface max pooling, 2x2 windows, stride 1), followed by
    the shared ``w`` itself: ``(f, w)``."""
    mat, sca, vec = ttype("float64", (False, False)), ttype("float64", ()), ttype("float64", (False,))
    x = var(mat, "x")
    s = var(sca, "s")
    w_cont = Obj("theano.gof.link", "Container",
                 {"type": vec, "name": "w", "storage": [np.array([1.0, 2.0, 3.0])], "readonly": False,
                  "strict": False, "allow_downcast": None})
    w = var(vec, "w", cls="TensorSharedVariable")
    w.cls = G("theano.tensor.sharedvar", "TensorSharedVariable")
    w.state["container"] = w_cont
    pool = Obj("theano.tensor.signal.pool", "Pool",
               {"ds": (2, 2), "st": (1, 1), "padding": (0, 0), "mode": "max", "ignore_border": True,
                "_op_use_c_code": "/usr/bin/g++"})
    (pooled,) = apply(pool, [x], [mat])
    (s_xx,) = apply(dimshuffle((), ("x", "x")), [s], [ttype("float64", (True, True))])
    (xs,) = apply(elemwise("Mul", "mul"), [x, s_xx], [mat])
    total = Obj("theano.tensor.elemwise", "Sum",
                {"axis": None, "dtype": "float64", "acc_dtype": "float64",
                 "scalar_op": scalar_op("Add", "add")})
    (tsum,) = apply(total, [xs], [sca])
    (out1,) = apply(elemwise("Add", "add"), [tsum, const(sca, 1.5)], [sca])
    (out2,) = apply(elemwise("Add", "add"), [w, w], [vec])
    (s_x,) = apply(dimshuffle((), ("x",)), [s], [ttype("float64", (True,))])
    (upd,) = apply(elemwise("Add", "add"), [w, s_x], [vec])
    outputs = [Obj("theano.compile.io", "SymbolicOutput", {"variable": v, "borrow": False})
               for v in (pooled, out1, out2)]
    fgraph = Obj("theano.gof.fg", "FunctionGraph",
                 {"execute_callbacks_time": 0.0, "inputs": [], "outputs": [],
                  "_features": [Obj("theano.gof.opt", "MergeFeature", {"seen_constants": set()}),
                                Obj("theano.gof.toolbox", "PreserveVariableAttributes", {})],
                  "apply_nodes": Obj("theano.misc.ordered_set", "OrderedSet",
                                     {"_OrderedSet__map": {}})})
    fgraph.state["_features"][0].state["seen_constants"] = []
    mode = Obj("theano.compile.mode", "Mode", ("cvm", "fast_run"))
    kwargs = {"inputs": [in_spec(x, name="x"), in_spec(s, value=2.0, name="s"),
                         in_spec(w, value=w_cont, update=upd, implicit=True)],
              "outputs": outputs, "fgraph": fgraph, "mode": mode, "accept_inplace": False,
              "function_builder": G("theano.compile.function_module", "Function"), "profile": None,
              "on_unused_input": None, "output_keys": None}
    maker = Call(G("theano.compile.function_module", "_constructor_FunctionMaker"), kwargs)
    s_cont = Obj("theano.gof.link", "Container",
                 {"type": sca, "name": "s", "storage": [np.array(2.0)], "readonly": False,
                  "strict": False, "allow_downcast": None})
    x_cont = Obj("theano.gof.link", "Container",
                 {"type": mat, "name": "x", "storage": [None], "readonly": False, "strict": False,
                  "allow_downcast": None})
    f = Call(G("theano.compile.function_module", "_constructor_Function"), maker,
             [x_cont, s_cont, w_cont], [None, np.array(2.0), np.array([1.0, 2.0, 3.0])], False)
    if twice:
        # a second function of the same pickle: the same shared w, updated by both
        f2 = Call(G("theano.compile.function_module", "_constructor_Function"),
                  Call(G("theano.compile.function_module", "_constructor_FunctionMaker"),
                       dict(kwargs, inputs=list(kwargs["inputs"]), mode=Obj("theano.compile.mode", "Mode",
                                                                            ("py", "fast_compile")))),
                  [x_cont, s_cont, w_cont], [None, np.array(2.0), np.array([1.0, 2.0, 3.0])], False)
        return Writer().dumps((f, f2, w))
    return Writer().dumps((f, w))


def np_pool_max_2x2_stride1(x):
    return np.maximum(np.maximum(x[:-1, :-1], x[1:, :-1]), np.maximum(x[:-1, 1:], x[1:, 1:]))


def test_function_pickled_by_theano1_loads_and_runs():
    f, w = pickle.loads(theano1_function_pickle(), encoding="latin1")
    x = np.random.RandomState(3).randn(4, 5)
    p, total, ww = f(x)
    np.testing.assert_allclose(p, np_pool_max_2x2_stride1(x), rtol=0, atol=0)
    np.testing.assert_allclose(total, (x * 2.0).sum() + 1.5, rtol=1e-12)
    np.testing.assert_allclose(ww, [2.0, 4.0, 6.0])
    # the update w <- w + s ran, on the shared variable loaded with the function
    np.testing.assert_allclose(w.get_value(), [3.0, 4.0, 5.0])
    # s given: its default is not used
    p, total, ww = f(x, 0.5)
    np.testing.assert_allclose(total, (x * 0.5).sum() + 1.5, rtol=1e-12)
    np.testing.assert_allclose(ww, [6.0, 8.0, 10.0])
    np.testing.assert_allclose(w.get_value(), [3.5, 4.5, 5.5])
    # the shared variable is a working one: set_value is seen by the function
    w.set_value(np.zeros(3))
    np.testing.assert_allclose(f(x)[2], np.zeros(3))


def test_pickled_old_pool_matches_pool_2d():
    # the old-interface Pool node (window, stride and padding as op attributes) loads as pool_2d
    f, _ = pickle.loads(theano1_function_pickle(), encoding="latin1")
    x = np.random.RandomState(4).randn(5, 6)
    xt = theano.tensor.dmatrix()
    ref = theano.tensor.signal.pool.pool_2d(xt, (2, 2), ignore_border=True, stride=(1, 1))
    np.testing.assert_array_equal(f(x)[0], theano.function([xt], ref)(x))


def test_two_functions_of_one_pickle_share_their_shared_variable():
    f, f2, w = pickle.loads(theano1_function_pickle(twice=True), encoding="latin1")
    assert f2.maker.mode.linker_name == "py" and f2.maker.mode.optimizer == "fast_compile"
    x = np.ones((3, 3))
    f(x)
    np.testing.assert_allclose(w.get_value(), [3.0, 4.0, 5.0])
    np.testing.assert_allclose(f2(x, 1.0)[2], [6.0, 8.0, 10.0])
    np.testing.assert_allclose(w.get_value(), [4.0, 5.0, 6.0])
    np.testing.assert_allclose(f(x)[2], [8.0, 10.0, 12.0])


def test_unrebuildable_theano1_op_is_named():
    data = bytearray(theano1_function_pickle())
    # an Elemwise whose pickled state lacks its scalar op: the error names the class and the key
    bad = data.replace(b"X\x09\x00\x00\x00scalar_op", b"X\x09\x00\x00\x00scalar_oq", 1)
    assert bad != data
    with pytest.raises(TypeError, match=r"theano\.tensor\.elemwise\.(Elemwise|Sum).*scalar_op"):
        pickle.loads(bytes(bad), encoding="latin1")


def test_theano1_mode_state():
    m = Mode.__new__(Mode)
    m.__setstate__(("cvm", "fast_run"))
    assert m.optimizer == "fast_run"
    m2 = pickle.loads(pickle.dumps(Mode(linker="py", optimizer="fast_compile")))
    assert m2.linker_name == "py" and m2.optimizer == "fast_compile"


def test_ordered_set():
    s = OrderedSet([3, 1, 2, 1])
    assert list(s) == [3, 1, 2] and len(s) == 3 and 1 in s
    s.add(0)
    s.discard(3)
    assert list(s) == [1, 2, 0]
    assert list(pickle.loads(pickle.dumps(s))) == [1, 2, 0]
    assert list(s | {7}) == [1, 2, 0, 7]


def theano1_model_pickle():
    """A Theano 1.0 pickle of a model object's graph, as the tutorials saved classifiers:
    ``{'input': x, 'W': W, 'b': b, 'p_y_given_x': softmax(dot(x, W) + b), 'count': c * 2}``,
    with ``c`` a shared counter whose ``default_update`` is ``c + 1`` (a cycle: the update's node
    reads ``c`` itself)."""
    mat, vec = ttype("float64", (False, False)), ttype("float64", (False,))
    sca = ttype("float64", ())
    rng = np.random.RandomState(0)

    def shared(t, name, value):
        cont = Obj("theano.gof.link", "Container",
                   {"type": t, "name": name, "storage": [value], "readonly": False, "strict": False,
                    "allow_downcast": None})
        v = var(t, name, cls="TensorSharedVariable")
        v.cls = G("theano.tensor.sharedvar", "TensorSharedVariable")
        v.state["container"] = cont
        return v

    x = var(mat, "input")
    W = shared(mat, "W", rng.randn(3, 4))
    b = shared(vec, "b", rng.randn(4))
    dot = Obj("theano.tensor.basic", "Dot", {})
    (xw,) = apply(dot, [x, W], [mat])
    (bb,) = apply(dimshuffle((False,), ("x", 0)), [b], [ttype("float64", (True, False))])
    (z,) = apply(elemwise("Add", "add"), [xw, bb], [mat])
    (p,) = apply(Obj("theano.tensor.nnet.nnet", "Softmax", {}), [z], [mat])
    c = shared(sca, "c", np.array(0.0))
    # the counter's default update is read while the counter itself is being read
    (c1,) = apply(elemwise("Add", "add"), [c, const(sca, 1.0)], [sca])
    c.state["default_update"] = c1
    (twice,) = apply(elemwise("Mul", "mul"), [c, const(sca, 2.0)], [sca])
    model = {"count": twice, "input": x, "W": W, "b": b, "p_y_given_x": p}
    return Writer().dumps(model)


def test_graph_pickled_by_theano1_compiles():
    model = pickle.loads(theano1_model_pickle(), encoding="latin1")
    x = model["input"]
    f = theano.function([x], [model["p_y_given_x"], model["count"]])
    xv = np.random.RandomState(1).randn(5, 3)
    W, b = model["W"].get_value(), model["b"].get_value()
    z = xv @ W + b
    ref = np.exp(z - z.max(1, keepdims=True))
    ref /= ref.sum(1, keepdims=True)
    p, n = f(xv)
    np.testing.assert_allclose(p, ref, rtol=1e-12)
    assert float(n) == 0.0
    # the counter's default update (read through the cycle) runs with each call
    assert float(f(xv)[1]) == 2.0
    assert float(model["count"].owner.inputs[0].get_value()) == 2.0
    # the loaded graph is a graph of ours: gradients work on it
    g = theano.grad(model["p_y_given_x"][:, 0].sum(), model["W"])
    gv = theano.function([x], g)(xv)
    eps = 1e-6
    Wp = W.copy()
    Wp[1, 2] += eps
    zp = xv @ Wp + b
    pp = np.exp(zp - zp.max(1, keepdims=True))
    pp /= pp.sum(1, keepdims=True)
    np.testing.assert_allclose(gv[1, 2], (pp[:, 0].sum() - ref[:, 0].sum()) / eps, rtol=1e-4)


def test_theano1_subtensor_and_cast_layouts():
    # Theano 1.0's Subtensor kept a scalar type in idx_list for each index read from the inputs,
    # and Cast its target type as ``o_type``
    vec, mat = ttype("float64", (False,)), ttype("float64", (False, False))
    i64 = ttype("int64", ())
    x = var(mat, "x")
    scalar_int64 = Obj("theano.scalar.basic", "Scalar", {"dtype": "int64"})
    sub = Obj("theano.tensor.subtensor", "Subtensor",
              {"idx_list": (Call(G("builtins", "slice"), None, None, None), scalar_int64)})
    (col,) = apply(sub, [x, const(i64, 1)], [vec])
    cast = Obj("theano.tensor.elemwise", "Elemwise",
               {"scalar_op": Obj("theano.scalar.basic", "Cast",
                                 {"o_type": Obj("theano.scalar.basic", "Scalar", {"dtype": "int32"}),
                                  "name": "convert_to_int32"}),
                "inplace_pattern": {}, "destroy_map": {}, "name": None})
    (icol,) = apply(cast, [col], [ttype("int32", (False,))])
    loaded_x, out = pickle.loads(Writer().dumps((x, icol)), encoding="latin1")
    assert out.dtype == "int32"
    xv = np.arange(12.0).reshape(4, 3) * 1.5
    np.testing.assert_array_equal(theano.function([loaded_x], out)(xv), xv[:, 1].astype("int32"))


def test_theano1_random_function_state():
    # Theano 1.0 pickled RandomFunction as the list [fn, outtype, inplace, ndim_added]
    op = pickle.loads(Writer().dumps(Obj("theano.tensor.raw_random", "RandomFunction",
                                         ["uniform", ttype("float64", (False,)), False, 0])),
                      encoding="latin1")
    from theano.tensor.raw_random import RandomFunction

    assert isinstance(op, RandomFunction) and op.outtype == theano.tensor.dvector
    rng = theano.shared(np.random.RandomState(7))
    new_rng, sample = op(rng, (4,), 2.0, 3.0)
    f = theano.function([], sample, updates=[(rng, new_rng)])
    ref = np.random.RandomState(7)
    np.testing.assert_array_equal(f(), ref.uniform(2.0, 3.0, (4,)))
    np.testing.assert_array_equal(f(), ref.uniform(2.0, 3.0, (4,)))


def test_shared_number_is_a_scalar_shared_variable():
    from theano.tensor.sharedvar import ScalarSharedVariable, TensorSharedVariable

    s = theano.shared(1.5, name="s")
    assert isinstance(s, ScalarSharedVariable) and isinstance(s, TensorSharedVariable)
    assert s.ndim == 0 and s.dtype == "float64"
    assert float(theano.function([], s * 2)()) == 3.0
    assert not isinstance(theano.shared(np.zeros(2)), ScalarSharedVariable)
    assert isinstance(pickle.loads(pickle.dumps(s)), ScalarSharedVariable)


def test_theano1_compile_ops_names():
    from theano.compile import ops

    x = theano.tensor.dmatrix()
    f = theano.function([x], [ops.Shape()(x), ops.Shape_i(1)(x), ops.OutputGuard()(x)])
    xv = np.ones((2, 3))
    a, b, c = f(xv)
    assert list(a) == [2, 3] and int(b) == 3
    np.testing.assert_array_equal(c, xv)
    assert ops.Rebroadcast is theano.tensor.basic.Rebroadcast
    assert ops.SpecifyShape is theano.tensor.reshaping.SpecifyShape


def test_theano1_leftover_features_refuse_to_attach():
    from theano.gof.opt import MergeFeature
    from theano.graph.fg import FunctionGraph

    x = theano.tensor.dvector()
    fg = FunctionGraph([x], [x * 2])
    with pytest.raises(TypeError, match="MergeFeature is Theano 1.0's internal class"):
        fg.attach_feature(MergeFeature())


def test_gpu_shared_variable_pickled_by_theano1_loads_on_the_cpu():
    # a parameter of a model trained on a GPU with Theano 1.0 (theano.gpuarray)
    gtype = Obj("theano.gpuarray.type", "GpuArrayType",
                {"dtype": "float32", "broadcastable": (False, False), "ndim": 2, "name": None,
                 "context_name": None, "typecode": 11})
    value = np.arange(6, dtype="float32").reshape(2, 3) / 4
    cont = Obj("theano.gof.link", "Container",
               {"type": gtype, "name": "W", "readonly": False, "strict": False,
                "allow_downcast": None,
                "storage": [Call(G("theano.gpuarray.type", "GpuArray_unpickler"), value, None)]})
    W = var(gtype, "W")
    W.cls = G("theano.gpuarray.type", "GpuArraySharedVariable")
    W.state["container"] = cont
    (loaded,) = pickle.loads(Writer().dumps([W]), encoding="latin1")
    from theano.tensor.sharedvar import TensorSharedVariable

    assert type(loaded) is TensorSharedVariable and loaded.name == "W"
    assert loaded.type == theano.tensor.fmatrix
    np.testing.assert_array_equal(loaded.get_value(), value)
    assert type(loaded.get_value()) is np.ndarray
    f = theano.function([], loaded.sum(), updates=[(loaded, loaded * np.float32(2))])
    assert float(f()) == float(value.sum())
    np.testing.assert_array_equal(loaded.get_value(), value * 2)
    with pytest.raises(TypeError, match="no GPU back-end"):
        theano.gpuarray.type.GpuArrayType("float32", (False,))


def test_theano1_max_and_argmax_node():
    # y_pred = argmax(p, axis=1) as Theano 1.0 built it: output 1 of MaxAndArgmax{axis=(1,)}
    mat = ttype("float64", (False, False))
    x = var(mat, "p")
    op = Obj("theano.tensor.basic", "MaxAndArgmax", {"axis": (1,)})
    mx, am = apply(op, [x], [ttype("float64", (False,)), ttype("int64", (False,))])
    px, y_pred, pmax = pickle.loads(Writer().dumps((x, am, mx)), encoding="latin1")
    xv = np.random.RandomState(2).rand(5, 4)
    f = theano.function([px], [y_pred, pmax])
    a, m = f(xv)
    np.testing.assert_array_equal(a, xv.argmax(1))
    np.testing.assert_array_equal(m, xv.max(1))
    assert a.dtype == np.int64


def test_theano1_function_with_a_state_input():
    # f = function([x, In(acc, value=0., update=acc + x)], acc + x): an explicit input with an
    # update keeps its value between calls, and the pickled current value (inputs_data) is used
    sca = ttype("float64", ())
    x, acc = var(sca, "x"), var(sca, "acc")
    (total,) = apply(elemwise("Add", "add"), [acc, x], [sca])
    kwargs = {"inputs": [in_spec(x, name="x"), in_spec(acc, value=0.0, update=total, name="acc")],
              "outputs": [Obj("theano.compile.io", "SymbolicOutput",
                              {"variable": total, "borrow": False})],
              "fgraph": None, "mode": Obj("theano.compile.mode", "Mode", ("cvm", "fast_run")),
              "accept_inplace": False, "profile": None, "on_unused_input": None,
              "output_keys": None,
              "function_builder": G("theano.compile.function_module", "Function")}
    conts = [Obj("theano.gof.link", "Container",
                 {"type": sca, "name": n, "storage": [v], "readonly": False, "strict": False,
                  "allow_downcast": None}) for n, v in (("x", None), ("acc", np.array(5.0)))]
    f = pickle.loads(Writer().dumps(Call(
        G("theano.compile.function_module", "_constructor_Function"),
        Call(G("theano.compile.function_module", "_constructor_FunctionMaker"), kwargs),
        conts, [None, np.array(5.0)], False)), encoding="latin1")
    assert float(f(1.0)[0]) == 6.0   # from the pickled state 5
    assert float(f(2.0)[0]) == 8.0
    assert float(f(1.0, acc=0.0)[0]) == 1.0
