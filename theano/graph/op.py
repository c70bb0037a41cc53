"""Op: one operation, with its whole contract in one class.

An Op subclass defines:

- ``__props__``: names of the attributes that make its identity (equality, hashing, printing);
- ``make_node(*inputs)``: check and convert inputs, return an Apply with typed outputs;
- ``perform(node, inputs, output_storage)``: compute with NumPy; write ``output_storage[i][0]``;
- ``grad(inputs, output_grads)`` (or ``L_op(inputs, outputs, output_grads)``): symbolic gradients;
- ``infer_shape(node, input_shapes)``: symbolic output shapes from input shapes;
- optionally ``view_map``/``destroy_map`` (which outputs alias or overwrite which inputs), ``R_op``,
  ``connection_pattern``, ``do_constant_folding``.

Backend code never lives here: backends register implementations per Op class by dispatch.
"""

import warnings
from contextlib import contextmanager

from theano.graph import utils  # noqa: F401  (Theano 1.0's gof.op offered ``op.utils``)
from theano.graph.basic import Apply, Constant, Variable
from theano.graph.utils import MethodNotDefined



def _prop_str(value):
    """A parameter of an op in its name: a string quoted (Theano 1.0 printed the repr), any
    other value as str."""
    return repr(value) if isinstance(value, str) else str(value)

class Op:
    """An operation: one class holds its whole contract (``make_node``, ``perform``, ``grad``,
    ``R_op``, ``infer_shape``, ...); docs/how_to_add_an_op.md walks through one."""

    __props__ = ()
    view_map = {}
    destroy_map = {}
    default_output = None
    lazy = False

    _declares_props = True     # Op itself (no attributes): instances are interchangeable

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._declares_props = any(c is not Op and "__props__" in c.__dict__
                                  for c in cls.__mro__)
        # Theano 1.0's ops with parameters: ``perform(self, node, inputs, output_storage,
        # params)``. Backends call ``perform(node, inputs, output_storage)``; the parameters
        # (``get_params(node)``, checked by ``params_type``) are then added here.
        perform = cls.__dict__.get("perform")
        if perform is not None and not getattr(perform, "_adds_params", False) and \
                _takes_params(perform):
            cls.perform = _perform_with_params(perform)
        # Theano 1.0's ops written as ``make_thunk(node, storage_map, compute_map, no_recycling,
        # impl)`` alone: every backend runs them through a ``perform`` that calls the thunk with
        # all inputs computed (gof.vm.VM_Linker also runs a lazy thunk lazily)
        if "make_thunk" in cls.__dict__ and cls.perform is Op.perform:
            cls.perform = _perform_from_thunk

    # parameters -------------------------------------------------------------------------------
    def get_params(self, node):
        """The parameters ``perform`` receives as its last argument, for ops that declare a
        ``params_type``. Default: with a ``ParamsType``, a ``Params`` of this op's attributes
        named like its fields (``theano.graph.params_type``)."""
        params_type = getattr(self, "params_type", None)
        if params_type is not None and hasattr(params_type, "get_params"):
            if all(hasattr(self, f) for f in params_type.fields):
                return params_type.get_params(self)
            missing = [f for f in params_type.fields if not hasattr(self, f)]
            raise MethodNotDefined(f"{type(self).__name__}.get_params: the op has no attributes "
                                   f"{missing} for the fields of its params_type; define "
                                   "get_params(node)")
        raise MethodNotDefined(f"{type(self).__name__}.get_params (the op declares no "
                               "params_type)")

    # identity ---------------------------------------------------------------------------------
    def _props(self):
        return tuple(getattr(self, a) for a in self.__props__)

    def __eq__(self, other):
        # as Theano 1.0: an op class that declares no __props__ (and no __eq__) compares by
        # identity, since its instances may differ in attributes nobody declared
        if not type(self)._declares_props:
            return self is other
        return type(self) is type(other) and self._props() == other._props()

    def __hash__(self):
        if not type(self)._declares_props:
            return object.__hash__(self)
        return hash((type(self), self._props()))

    def __str__(self):
        if self.__props__:
            # as Theano 1.0's: a string parameter is quoted (Assert{msg='...'}, Eye{dtype='int64'})
            props = ", ".join(f"{a}={_prop_str(getattr(self, a))}" for a in self.__props__)
            return f"{type(self).__name__}{{{props}}}"
        return type(self).__name__

    __repr__ = __str__

    # building ---------------------------------------------------------------------------------
    def make_node(self, *inputs):
        """Without an override: the node of an op that declares ``itypes`` and ``otypes`` (the
        Theano tutorial's way of writing an op with ``perform`` only). Inputs must have the types of
        ``itypes`` (Python values and safely convertible variables are converted)."""
        itypes = getattr(self, "itypes", None)
        otypes = getattr(self, "otypes", None)
        if itypes is None or otypes is None:
            raise MethodNotDefined(
                f"{type(self).__name__}.make_node: define make_node, or the itypes and otypes "
                "lists of the input and output types")
        if len(inputs) != len(itypes):
            raise ValueError(f"{type(self).__name__} expects {len(itypes)} inputs, got {len(inputs)}")
        converted = []
        for k, (inp, t) in enumerate(zip(inputs, itypes)):
            if not isinstance(inp, Variable):  # a value: a constant of the declared type
                try:
                    inp = t.make_constant(t.filter(inp))
                except (TypeError, ValueError) as exc:
                    raise TypeError(f"{type(self).__name__}: input {k} must be of type {t}, got "
                                    f"the value {inp!r}, which it cannot hold: {exc}") from None
            if inp.type != t:
                conv = t.convert_variable(inp)
                if conv is None and getattr(inp, "data", None) is not None:
                    try:
                        conv = t.make_constant(t.filter(inp.data)) if hasattr(t, "make_constant") \
                            else None
                    except (TypeError, ValueError):
                        conv = None
                if conv is None:
                    raise TypeError(f"{type(self).__name__}: input {k} must be of type {t}, got "
                                    f"{inp} of type {inp.type}")
                inp = conv
            converted.append(inp)
        return Apply(self, converted, [t() for t in otypes])

    def __call__(self, *inputs, **kwargs):
        return_list = kwargs.pop("return_list", False)
        node = self.make_node(*inputs, **kwargs)
        if _test_value_mode() != "off":
            compute_test_values(node)
        if return_list:
            return list(node.outputs)
        if self.default_output is not None:
            return node.outputs[self.default_output]
        if len(node.outputs) == 1:
            return node.outputs[0]
        return list(node.outputs)

    # running ----------------------------------------------------------------------------------
    def perform(self, node, inputs, output_storage):
        raise MethodNotDefined(f"{type(self).__name__}.perform")

    def do_constant_folding(self, node):
        return True

    def make_thunk(self, node, storage_map, compute_map, no_recycling, impl=None):
        """Theano 1.0's per-node thunk: a callable that runs ``node`` on the one-item cells of
        ``storage_map`` (inputs read from, outputs written to) and marks its outputs computed in
        ``compute_map``. A lazy op's thunk (ifelse) returns the positions of the inputs it still
        needs (``[]`` once done); the others return None. ``thunk.inputs``/``thunk.outputs`` are
        the node's cells, ``thunk.lazy`` says whether it may ask for inputs, ``thunk.perform`` is
        the function it runs. ``no_recycling`` and ``impl`` are accepted (there is only the
        Python implementation here). An op may override it (then it needs no ``perform``)."""
        for v in node.inputs + node.outputs:
            if v not in storage_map or v not in compute_map:
                raise KeyError(f"{type(self).__name__}.make_thunk: {v} has no cell in "
                               "storage_map/compute_map (each input and output of the node needs one)")
        if getattr(type(self), "perform", None) is _perform_from_thunk:
            # an op written as make_thunk alone whose make_thunk calls this one: no perform to run
            raise MethodNotDefined(f"{type(self).__name__}.perform (its make_thunk calls Op's, "
                                   "which runs perform)")
        in_cells = [storage_map[v] for v in node.inputs]
        out_cells = [storage_map[v] for v in node.outputs]
        in_done = [compute_map[v] for v in node.inputs]
        out_done = [compute_map[v] for v in node.outputs]
        if getattr(self, "lazy", False) and hasattr(self, "lazy_perform"):
            lazy_perform = self.lazy_perform

            def thunk():
                needed = lazy_perform(node, in_cells, [c[0] for c in in_done], out_cells)
                if not needed:
                    for c in out_done:
                        c[0] = True
                return needed
            thunk.lazy = True
        else:
            perform = self.perform

            def thunk():
                perform(node, [c[0] for c in in_cells], out_cells)
                for c in out_done:
                    c[0] = True
            thunk.lazy = False
        thunk.inputs = in_cells
        thunk.outputs = out_cells
        thunk.perform = self.perform
        return thunk

    def c_code(self, node, name, inputs, outputs, sub):
        """Theano 1.0's C implementation hook. There is no C backend here: an op that does not
        define it raises MethodNotDefined, as an op without C code did in Theano (ops that define
        only ``c_code`` do not run: give them ``perform``)."""
        raise MethodNotDefined(f"{type(self).__name__}.c_code (no C implementation)")

    # rewriting --------------------------------------------------------------------------------
    def rewrite_key(self):
        """A class the rewrite index also files this op's nodes under, besides the op's own classes
        (None: none). An op that maps an inner operation over its inputs answers the inner
        operation's class (Elemwise: its scalar op's), so that a rewrite tracking that class sees
        every such node."""
        return None

    # differentiation --------------------------------------------------------------------------
    def grad(self, inputs, output_grads):
        raise MethodNotDefined(f"{type(self).__name__}.grad")

    def L_op(self, inputs, outputs, output_grads):
        return self.grad(inputs, output_grads)

    def R_op(self, inputs, eval_points):
        raise MethodNotDefined(f"{type(self).__name__}.R_op")

    def connection_pattern(self, node):
        return [[True] * len(node.outputs) for _ in node.inputs]

    # shapes -----------------------------------------------------------------------------------
    def infer_shape(self, node, input_shapes):
        raise MethodNotDefined(f"{type(self).__name__}.infer_shape")


def _takes_params(fn):
    """Whether ``fn(self, node, inputs, output_storage, params)`` takes a fourth argument."""
    import inspect

    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    positional = [p for p in sig.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 5


_NO_PARAMS = object()


def _perform_with_params(perform):
    import functools

    import inspect

    fifth = [p for p in inspect.signature(perform).parameters.values()
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)][4]
    has_default = fifth.default is not inspect.Parameter.empty

    @functools.wraps(perform)
    def wrapper(self, node, inputs, output_storage, params=_NO_PARAMS, *rest):
        if params is _NO_PARAMS:
            if has_default and getattr(self, "params_type", None) is None and \
                    type(self).get_params is Op.get_params:
                # an op without parameters: its perform's own default applies
                return perform(self, node, inputs, output_storage, *rest)
            params = self.get_params(node)
            params_type = getattr(self, "params_type", None)
            if params_type is not None:
                params = params_type.filter(params, strict=False, allow_downcast=True)
        return perform(self, node, inputs, output_storage, params, *rest)

    wrapper._adds_params = True
    return wrapper


def _perform_from_thunk(self, node, inputs, output_storage):
    storage_map, compute_map = {}, {}
    for v, value in zip(node.inputs, inputs):
        storage_map[v] = [value]
        compute_map[v] = [True]
    for v, cell in zip(node.outputs, output_storage):
        storage_map[v] = cell
        compute_map[v] = [False]
    thunk = self.make_thunk(node, storage_map, compute_map, [], None)
    needed = thunk()
    if needed:
        raise RuntimeError(f"{type(self).__name__}'s thunk asked for inputs {list(needed)} that "
                           "are all computed")


# Theano 1.0's ``theano.gof.op.PureOp``: its base of ops without C code, the same contract as Op
PureOp = Op


def is_variable(x):
    return isinstance(x, Variable)


__all__ = ["Op", "Apply", "MethodNotDefined", "OpenMPOp"]


class OpenMPOp(Op):
    """Theano 1.0's base of ops whose C code could use OpenMP: ``OpenMPOp(openmp=None)`` keeps the
    flag (``config.openmp`` when None) for subclasses that read it; there is no C code here, so
    it changes nothing else."""

    def __init__(self, openmp=None):
        if openmp is None:
            from theano.configdefaults import config

            openmp = bool(getattr(config, "openmp", False))
        self.openmp = bool(openmp)


# test values (config.compute_test_value) -------------------------------------------------------

_suspended = [0]


@contextmanager
def test_values_suspended():
    """No test values are computed inside (theano's own graph building: rewrites, linking, the
    inner graphs of gradients), whatever config.compute_test_value says."""
    _suspended[0] += 1
    try:
        yield
    finally:
        _suspended[0] -= 1


def _test_value_mode():
    if _suspended[0]:
        return "off"
    from theano.configdefaults import config

    return config.compute_test_value


class MissingTestValueError(ValueError, AttributeError):
    """A variable has no test value where one is required ('raise' mode of
    ``config.compute_test_value``). Both a ValueError and, as in Theano 1.0, an AttributeError."""


def get_test_value(v):
    """The value a graph-building check runs ``v`` with: a constant's data, a shared variable's
    value, or ``v.tag.test_value``; a value that is not a variable (a list, a number, an
    array) is its own test value, as a NumPy array. AttributeError when there is none,
    TypeError when the value set does not fit the variable's type."""
    if not isinstance(v, Variable):
        import numpy as np

        return np.asarray(v)
    if isinstance(v, Constant):
        return v.data
    if v.owner is None and hasattr(v, "get_value"):
        return v.get_value(borrow=True)
    tag = v.__dict__.get("_tag")
    if tag is not None and "test_value" in tag.__dict__:
        err = tag.__dict__.get("_test_value_error")
        if err is not None:
            raise TypeError(f"The test value of {v} does not fit its type {v.type}: {err}") from None
        return tag.test_value
    raise AttributeError(f"{v} has no test value")


def get_debug_values(*variables):
    """Theano 1.0's helper for debugging with test values: ``[(value of each variable)]`` when
    ``config.compute_test_value`` is on, else ``[]`` -- so that
    ``for x_val, in get_debug_values(x): check(x_val)`` checks only when test values are used.
    A variable without a test value gives ``[]`` ('ignore'), a warning and ``[]`` ('warn') or a
    ValueError naming it ('raise', 'pdb')."""
    mode = _test_value_mode()
    if mode == "off":
        return []
    values = []
    for i, v in enumerate(variables):
        try:
            values.append(get_test_value(v))
        except AttributeError:
            msg = (f"get_debug_values: argument {i} ({v}) has no test value; set its "
                   "tag.test_value, or set theano.config.compute_test_value to 'off' or 'ignore'")
            if mode == "ignore":
                return []
            if mode == "warn":
                warnings.warn(msg, stacklevel=2)
                return []
            raise MissingTestValueError(msg)
    return [tuple(values)]


def debug_error_message(msg):
    """Report a problem found with test values (Theano 1.0): a warning when
    ``config.compute_test_value`` is 'warn', otherwise ValueError(msg)."""
    from theano.configdefaults import config

    if config.compute_test_value == "warn":
        warnings.warn(msg, stacklevel=2)
        return
    raise ValueError(msg)


def compute_test_values(node):
    """Run ``node.op.perform`` on the test values of the inputs and store the results as the
    outputs' ``tag.test_value`` (Theano 1.0's ``compute_test_value``: errors such as shape mismatches
    show up where the graph is built). An input without a test value is skipped ('ignore'),
    warned about ('warn') or raises ValueError ('raise', 'pdb')."""
    mode = _test_value_mode()
    values = []
    for i, v in enumerate(node.inputs):
        try:
            values.append(get_test_value(v))
        except AttributeError:
            if mode == "ignore" or v.owner is not None:
                # a computed input without a value: something upstream was skipped already
                return
            msg = (f"Cannot compute test value: input {i} ({v}) of Op {node.op} missing default "
                   "value. Set its tag.test_value, or set theano.config.compute_test_value to "
                   "'off' or 'ignore'.")
            if mode == "warn":
                warnings.warn(msg, stacklevel=3)
                return
            raise ValueError(msg)
    if node.op.lazy or type(node.op).perform is Op.perform:
        return
    if node.op.destroy_map:
        import copy

        destroyed = {i for ins in node.op.destroy_map.values() for i in ins}
        values = [copy.deepcopy(val) if i in destroyed else val for i, val in enumerate(values)]
    storage = [[None] for _ in node.outputs]
    node.op.perform(node, values, storage)
    for out, cell in zip(node.outputs, storage):
        out.tag.test_value = cell[0]
