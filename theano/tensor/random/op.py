"""RandomVariable: the base of the random ops.

A random op is applied to ``(rng, size, *params)`` and has two outputs: the advanced generator state
(output 0) and the sample (output 1, the default output). ``perform`` draws from a *copy* of the input
state, so a call that fails leaves the state it was given untouched; the random streams install the
new state as the ``default_update`` of the shared state variable, which is how successive calls of a
compiled function see new draws.

``size`` is an int64 vector: the shape of the batch of draws. When it is empty the batch shape is the
broadcast of the parameters' batch shapes (as NumPy does with ``size=None``). A draw itself has
``ndim_supp`` dimensions (0 for scalar distributions, 1 for ``multinomial`` or ``permutation``), and
each parameter has ``ndims_params[i]`` core dimensions (1 for the ``pvals`` of ``multinomial``).

Random ops are not differentiable with respect to their parameters: every input is disconnected from
the outputs, so the gradient of ``mask * x`` with respect to ``x`` is ``mask``.
"""

import numpy as np

from theano.configdefaults import config
from theano.gradient import disconnected_type, grad_undefined
from theano.graph.basic import Apply, Constant, Variable
from theano.graph.op import Op
from theano.scalar.basic import upcast
from theano.tensor.basic import MakeVector, Shape, as_tensor_variable, cast, constant, shape_i
from theano.tensor.math import maximum
from theano.tensor.reshaping import get_vector_length
from theano.tensor.random.type import copy_rng, is_random_type
from theano.tensor.type import TensorType

integer_dtypes = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


# --------------------------------------------------------------------------------------------------
# size arguments
# --------------------------------------------------------------------------------------------------


def _vector_length(v):
    try:
        return get_vector_length(v)
    except (ValueError, TypeError, NotImplementedError):
        pass
    if isinstance(v, Constant):
        return int(np.asarray(v.data).shape[0])
    if v.broadcastable[0]:
        return 1
    owner = v.owner
    if owner is not None:
        if isinstance(owner.op, MakeVector):
            return len(owner.inputs)
        if isinstance(owner.op, Shape):
            return owner.inputs[0].ndim
        if len(owner.inputs) == 1 and getattr(owner.inputs[0], "ndim", None) == 1 and \
                type(owner.op).__name__ == "Elemwise":
            return _vector_length(owner.inputs[0])
    return None


def normalize_size(size, ndim=None, where="size"):
    """Convert a ``size`` argument to ``(int64 vector variable, its static length)``.

    ``size`` may be None (the parameters' broadcast shape), an int, a tuple or list of ints and
    scalar variables, or a symbolic integer vector such as ``x.shape``. ``ndim``, when given, is the
    length of a symbolic ``size`` whose length cannot be read from the graph.
    """
    if size is None:
        return constant(np.zeros(0, dtype="int64")), 0
    if isinstance(size, np.ndarray):
        if size.ndim > 1 or size.dtype.kind not in "iu":
            raise TypeError(f"{where} must be a vector of integers, got an array of dtype {size.dtype} "
                            f"and shape {size.shape}")
        size = tuple(int(s) for s in size.reshape(-1))
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (int(size),)
    if isinstance(size, (list, tuple)):
        if all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in size):
            if any(s < 0 for s in size):
                raise ValueError(f"{where} must not have negative entries, got {tuple(size)}")
            vec = constant(np.asarray(size, dtype="int64").reshape(len(size)))
        else:
            elems = []
            for s in size:
                if isinstance(s, (int, np.integer)) and not isinstance(s, bool):
                    if s < 0:
                        raise ValueError(f"{where} must not have negative entries, got {size!r}")
                    s = constant(np.asarray(s, dtype="int64"))  # stays a constant: bcast known
                s = as_tensor_variable(s)
                if s.ndim != 0 or s.dtype not in integer_dtypes:
                    raise TypeError(
                        f"{where}: each entry must be an integer scalar, got {s} ({s.type})")
                elems.append(s)
            vec = MakeVector("int64")(*elems)
        length = len(size)
    else:
        if not isinstance(size, Variable):
            raise TypeError(
                f"{where} must be None, an int, a tuple of ints or an integer vector, got "
                f"{type(size).__name__} {size!r}")
        vec = as_tensor_variable(size)
        if vec.ndim == 0 and vec.dtype in integer_dtypes:
            vec = MakeVector("int64")(vec)
        if vec.ndim != 1 or vec.dtype not in integer_dtypes:
            raise TypeError(f"{where} must be an integer vector, got {vec} ({vec.type})")
        if vec.dtype != "int64":
            vec = cast(vec, "int64")
        length = _vector_length(vec)
    if ndim is not None:
        if length is not None and length != ndim:
            raise ValueError(f"{where} has {length} entries but ndim={ndim} was given")
        length = int(ndim)
    if length is None:
        raise ValueError(
            f"Cannot tell how many dimensions the symbolic {where} {vec} has; pass ndim=... to "
            "say how many entries it has")
    return vec, length


def _static_ones(vec, length):
    """For each entry of a size vector: True if it is the constant 1 (a broadcastable dimension)."""
    if isinstance(vec, Constant):
        return tuple(bool(s == 1) for s in np.asarray(vec.data).reshape(-1))
    if vec.owner is not None and isinstance(vec.owner.op, MakeVector):
        out = []
        for s in vec.owner.inputs:
            out.append(isinstance(s, Constant) and np.asarray(s.data).size == 1 and
                       int(np.asarray(s.data).reshape(-1)[0]) == 1)
        return tuple(out)
    return (False,) * length


def default_float_dtype(*params):
    """floatX upcast with the parameters' dtypes, as Theano's random functions chose."""
    dts = [config.floatX] + [p.dtype for p in params if p.dtype not in integer_dtypes + ("bool",)]
    return upcast(*dts)


# --------------------------------------------------------------------------------------------------
# the op
# --------------------------------------------------------------------------------------------------


class RandomOpBase(Op):
    """Common parts of random ops: the state input and output, copying, no gradient."""

    default_output = 1

    def _check_rng(self, rng):
        if not isinstance(rng, Variable):
            raise TypeError(
                f"{self}: the first input must be a random state variable (a shared variable "
                f"holding a numpy RandomState or Generator), got {type(rng).__name__} {rng!r:.80}")
        if not is_random_type(rng.type):
            hint = ""
            value = getattr(getattr(rng, "container", None), "value", None)
            if isinstance(value, (np.random.RandomState, np.random.Generator)):
                hint = (" (import theano.tensor.random before calling theano.shared on a random "
                        "generator, so that it gets a random state type)")
            raise TypeError(
                f"{self}: the first input must have a random state type, got {rng} of type "
                f"{rng.type}{hint}")
        return rng

    def perform(self, node, inputs, output_storage):
        rng = copy_rng(inputs[0])
        sample = self.draw(rng, node, inputs[1:])
        output_storage[0][0] = rng
        output_storage[1][0] = sample

    def draw(self, rng, node, args):
        raise NotImplementedError

    def do_constant_folding(self, node):
        return False

    @staticmethod
    def _is_float_param(k, inp):
        return k > 0 and str(getattr(inp.type, "dtype", "")).startswith(("float", "complex"))

    def connection_pattern(self, node):
        # the sample depends on the float parameters, through a draw (undefined gradient); the
        # state, the size and integer parameters are not differentiable inputs
        return [[False] + [self._is_float_param(k, inp)] * (len(node.outputs) - 1)
                for k, inp in enumerate(node.inputs)]

    def grad(self, inputs, output_grads):
        # As Theano: the parameters of a distribution get an undefined gradient (asking for it
        # raises NullTypeGradError); write avg + std * srng.normal(...) to differentiate.
        return [grad_undefined(self, k, inp, "No gradient is defined through random number "
                                             "draws (write e.g. avg + std * srng.normal(size) "
                                             "instead)")
                if self._is_float_param(k, inp) else disconnected_type()
                for k, inp in enumerate(inputs)]


class RandomVariable(RandomOpBase):
    """A distribution drawn with NumPy: ``op(rng, size, *params) -> (new_rng, sample)``.

    Subclasses set ``name``, ``param_names``, ``ndims_params``, ``ndim_supp``, ``kind`` ('float' or
    'int', the dtypes they accept) and define ``rng_fn(rng, size, *params)`` (``size`` is a tuple, or
    None for the parameters' broadcast shape) and, when ``ndim_supp > 0``, ``supp_shape``.
    """

    __props__ = ("dtype", "size_len")
    name = "random"
    param_names = ()
    ndims_params = ()
    ndim_supp = 0
    kind = "float"

    def __init__(self, dtype=None, size_len=None):
        if dtype is None:
            dtype = config.floatX if self.kind == "float" else "int64"
        if dtype == "floatX":
            dtype = config.floatX
        dtype = str(np.dtype(dtype))
        allowed = ("float16", "float32", "float64") if self.kind == "float" else \
            integer_dtypes + ("float16", "float32", "float64")
        if self.kind == "any":
            allowed = None
        if allowed is not None and dtype not in allowed:
            raise TypeError(f"{type(self).__name__}: dtype must be one of {allowed}, got {dtype!r}")
        self.dtype = dtype
        self.size_len = None if size_len is None else int(size_len)

    def __str__(self):
        return f"{self.name}_rv{{{self.dtype}}}"

    # -- building -------------------------------------------------------------------------------
    def _prepare_params(self, params):
        if len(params) != len(self.param_names):
            raise TypeError(
                f"{self}: expected parameters ({', '.join(self.param_names)}), got {len(params)}")
        out = []
        for name, p, core in zip(self.param_names, params, self.ndims_params):
            try:
                p = as_tensor_variable(p)
            except TypeError as exc:
                raise TypeError(f"{self}: parameter {name} must be a tensor: {exc}") from None
            if p.ndim < core:
                raise ValueError(
                    f"{self}: parameter {name} needs at least {core} dimension(s), got {p} with "
                    f"{p.ndim}")
            out.append(p)
        return out

    def make_node(self, rng, size, *params):
        rng = self._check_rng(rng)
        size_var, size_len = normalize_size(size, ndim=self.size_len)
        params = self._prepare_params(params)
        batch = [p.broadcastable[: p.ndim - core] for p, core in zip(params, self.ndims_params)]
        if size_len > 0:
            for name, b in zip(self.param_names, batch):
                if len(b) > size_len:
                    raise ValueError(
                        f"{self}: parameter {name} has {len(b)} batch dimension(s) but size has only "
                        f"{size_len} entries")
            out_bcast = _static_ones(size_var, size_len)
        else:
            nb = max([len(b) for b in batch] + [0])
            padded = [(True,) * (nb - len(b)) + tuple(b) for b in batch]
            out_bcast = tuple(all(col) for col in zip(*padded)) if padded else ()
            out_bcast = out_bcast[:nb] if nb else ()
        out_bcast = tuple(out_bcast) + self.supp_broadcastable(params)
        self.check_params(params)
        sample = TensorType(self.dtype, out_bcast)()
        return Apply(self, [rng, size_var] + params, [rng.type(), sample])

    def supp_broadcastable(self, params):
        return (False,) * self.ndim_supp

    def check_params(self, params):
        """Subclasses check parameter dtypes here."""

    # -- running --------------------------------------------------------------------------------
    def draw(self, rng, node, args):
        size = args[0]
        params = args[1:]
        size = tuple(int(s) for s in np.asarray(size).reshape(-1)) if np.size(size) else None
        if size is not None and any(s < 0 for s in size):
            raise ValueError(f"{self}: size must not have negative entries, got {size}")
        out = self.rng_fn(rng, size, *params)
        out = np.asarray(out)
        if out.dtype != self.dtype:
            out = out.astype(self.dtype)
        expected_ndim = node.outputs[1].ndim
        if out.ndim != expected_ndim:
            raise ValueError(
                f"{self}: the sample has {out.ndim} dimensions, expected {expected_ndim} (check that "
                "the parameters' shapes agree with size)")
        return out

    def rng_fn(self, rng, size, *params):
        raise NotImplementedError

    # -- shapes ---------------------------------------------------------------------------------
    def infer_shape(self, node, input_shapes):
        size_var = node.inputs[1]
        params = node.inputs[2:]
        n_batch = node.outputs[1].ndim - self.ndim_supp
        given = self.size_len if self.size_len is not None else _vector_length(size_var)
        if given:
            shape = size_entries(size_var, n_batch)
        else:
            shape = []
            pshapes = [input_shapes[2 + k] for k in range(len(params))]
            for d in range(n_batch):
                cands = []
                for p, ps, core in zip(params, pshapes, self.ndims_params):
                    nb = p.ndim - core
                    pos = d - (n_batch - nb)
                    if pos >= 0 and not p.broadcastable[pos]:
                        cands.append(ps[pos])
                if not cands:
                    shape.append(constant(1, dtype="int64"))
                else:
                    s = cands[0]
                    for c in cands[1:]:
                        s = maximum(s, c)
                    shape.append(s)
        shape = list(shape) + list(self.supp_shape(node, input_shapes))
        return [None, tuple(shape)]

    def supp_shape(self, node, input_shapes):
        return ()


def size_entries(size_var, n):
    """The entries of an int64 size vector as ``n`` scalar variables."""
    if isinstance(size_var, Constant):
        return [constant(int(s), dtype="int64") for s in np.asarray(size_var.data).reshape(-1)]
    owner = size_var.owner
    if owner is not None:
        if isinstance(owner.op, MakeVector):
            return list(owner.inputs)
        if isinstance(owner.op, Shape):
            return [shape_i(owner.inputs[0], i) for i in range(n)]
    return [size_var[i] for i in range(n)]


__all__ = ["RandomVariable", "RandomOpBase", "normalize_size", "default_float_dtype"]
