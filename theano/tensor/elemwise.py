"""Elemwise (a scalar op mapped over arrays with broadcasting), DimShuffle and CAReduce."""

import numpy as np

from theano.configdefaults import config
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.scalar import type as _scalar_type
from theano.tensor.type import TensorType, _provided
from theano.tensor.type_other import is_none_variable


def _as_tensor(x):
    return _provided("as_tensor_variable")(x)


class Elemwise(Op):
    """Apply ``scalar_op`` elementwise. Inputs with fewer dimensions are padded on the left.

    Dimensions broadcast only where the broadcastable pattern says so; a length mismatch in a
    non-broadcastable dimension is an error at run time (never a silent NumPy broadcast, which would
    make gradients wrong). ``inplace_pattern`` maps output index -> input index it overwrites.
    """

    __props__ = ("scalar_op", "inplace_pattern")

    def __init__(self, scalar_op, inplace_pattern=None, name=None):
        self.scalar_op = scalar_op
        self.inplace_pattern = tuple(sorted((inplace_pattern or {}).items()))
        self.destroy_map = {o: [i] for o, i in self.inplace_pattern}
        self.name = name

    def rewrite_key(self):
        # rewrites that track a scalar op class (ts.Add) see the Elemwise nodes that map it; in-place
        # nodes (made by the last phase) are seen only by rewrites that track Elemwise itself
        return None if self.inplace_pattern else type(self.scalar_op)

    def __str__(self):
        if self.name:
            return self.name
        suffix = "inplace" if self.inplace_pattern else "no_inplace"
        return f"Elemwise{{{self.scalar_op},{suffix}}}"

    def make_node(self, *inputs):
        inputs = [_as_tensor(i) for i in inputs]
        if self.scalar_op.nin not in (-1, len(inputs)):
            raise TypeError(f"{self} takes {self.scalar_op.nin} inputs, got {len(inputs)}")
        ndim = max(i.ndim for i in inputs)
        padded = []
        for inp in inputs:
            if inp.ndim < ndim:
                pattern = ["x"] * (ndim - inp.ndim) + list(range(inp.ndim))
                inp = DimShuffle(inp.broadcastable, pattern)(inp)
            padded.append(inp)
        out_bcast = tuple(all(i.broadcastable[d] for i in padded) for d in range(ndim))
        out_dtypes = self.scalar_op.output_dtypes(*[i.dtype for i in padded])
        for o, i in self.inplace_pattern:
            if padded[i].dtype != out_dtypes[o] or padded[i].broadcastable != out_bcast:
                raise TypeError(f"{self}: input {i} cannot be overwritten by output {o}")
        outputs = [TensorType(d, out_bcast)() for d in out_dtypes]
        return Apply(self, padded, outputs)

    def perform(self, node, inputs, output_storage):
        outs = node.outputs
        shape = _check_shapes(node, inputs)
        out_dtypes = [o.dtype for o in outs]
        with np.errstate(all="ignore"):
            result = self.scalar_op.impl(*inputs, out_dtypes=out_dtypes)
        if len(outs) == 1:
            result = (result,)
        for storage, r, o in zip(output_storage, result, outs):
            r = np.asarray(r)
            if r.dtype != o.type.numpy_dtype:
                r = r.astype(o.type.numpy_dtype)
            if r.shape != shape:
                r = np.broadcast_to(r, shape).copy()
            elif any(np.may_share_memory(r, i) for i in inputs if isinstance(i, np.ndarray)):
                # identity, second, real: the impl may hand back an input; outputs own their data
                r = r.copy()
            storage[0] = r
        for o, i in self.inplace_pattern:
            # Make the in-place contract true: the result lives in the input's buffer.
            target = inputs[i]
            if output_storage[o][0] is not target:
                np.copyto(target, output_storage[o][0])
                output_storage[o][0] = target

    def infer_shape(self, node, input_shapes):
        as_tensor_variable = _provided("as_tensor_variable")
        ndim = node.outputs[0].ndim
        out = []
        for d in range(ndim):
            if node.outputs[0].broadcastable[d]:
                out.append(as_tensor_variable(1, dtype="int64"))
                continue
            candidates = [s[d] for s, i in zip(input_shapes, node.inputs) if not i.broadcastable[d]]
            out.append(candidates[0])
        return [tuple(out)] * len(node.outputs)

    def L_op(self, inputs, outputs, output_grads):
        grads = self.scalar_op.grad(list(inputs), list(output_grads))
        # Theano 1.0's rule: a discrete (integer or bool) output is a step function of the inputs,
        # so every input gets zeros (floatX for a discrete input), whatever the scalar op's grad
        # gave (a user's scalar op may not know the rule); with continuous outputs an integer
        # input gets the scalar op's gradient, computed as for a float
        flat = any(o.dtype in ts.discrete_dtypes for o in outputs)
        result = []
        out_bcast = outputs[0].broadcastable
        for inp, g in zip(inputs, grads):
            if g is None or not isinstance(getattr(g, "type", None), (TensorType, type(None))):
                result.append(g)  # disconnected or undefined (NullType) gradients pass through
                continue
            if flat:
                result.append(_provided("zeros_like")(
                    inp, dtype=config.floatX if inp.dtype in ts.discrete_dtypes else inp.dtype))
                continue
            g = _as_tensor(g)
            nd = len(out_bcast)
            if g.ndim < nd:
                g = DimShuffle(g.broadcastable, ["x"] * (nd - g.ndim) + list(range(g.ndim)))(g)
            # an input with fewer dimensions was padded on the left with broadcastable ones
            in_bcast = (True,) * (nd - inp.ndim) + tuple(inp.broadcastable)
            axes = [d for d in range(nd) if in_bcast[d] and not g.broadcastable[d]]
            if axes:
                g = _provided("sum")(g, axis=axes, keepdims=True)
            if g.ndim > inp.ndim:  # drop the padding (broadcastable now) again
                g = DimShuffle(g.broadcastable, list(range(g.ndim - inp.ndim, g.ndim)))(g)
            if g.ndim < inp.ndim:
                pattern = ["x"] * (inp.ndim - g.ndim) + list(range(g.ndim))
                g = DimShuffle(g.broadcastable, pattern)(g)
            if g.broadcastable != inp.broadcastable:
                g = _provided("patternbroadcast")(g, inp.broadcastable)
            result.append(g)
        return result

    def grad(self, inputs, output_grads):
        return self.L_op(inputs, [self(*inputs)], output_grads)


def _apply_elementwise(scalar_op, *inputs):
    return Elemwise(scalar_op)(*inputs)


# Scalar gradients are written with scalar ops applied to the variables they are given
# (theano/scalar/basic.py); applied to tensors, a scalar op is its Elemwise. L_op above calls them
# with tensors and fits each result to its input (sums over broadcast dimensions).
ts.set_elementwise_apply(_apply_elementwise)
# Scalar graphs (theano.scalar variables) meet tensors in gradients (a scalar cost's gradient starts
# as a 0-d tensor) and in as_scalar: the conversions are tensor.basic's, looked up when they run.
_scalar_type.set_tensor_converters(lambda t: _provided("scalar_from_tensor")(t),
                                   lambda s: _provided("as_tensor_variable")(s))


def _check_shapes(node, inputs):
    """The broadcast output shape; a mismatch in a non-broadcastable dimension raises ValueError."""
    if len(inputs) == 1:
        return inputs[0].shape
    shape = None
    for inp, var in zip(inputs, node.inputs):
        s = inp.shape
        if shape is None:
            shape = list(s)
            bc = list(var.broadcastable)
            continue
        for d, (a, b) in enumerate(zip(shape, s)):
            if a == b:
                continue
            if var.broadcastable[d]:
                continue
            if bc[d]:
                shape[d] = b
                bc[d] = False
                continue
            raise ValueError(
                f"Input dimension mismatch: dimension {d} has length {a} in one input and {b} in "
                f"another ({', '.join(str(i.shape) for i in inputs)}). Theano broadcasts only "
                "dimensions declared broadcastable; use T.addbroadcast or a row/col type if you "
                "meant to broadcast."
            )
    return tuple(shape)


class DimShuffle(Op):
    """Reorder, add ('x') and drop (broadcastable) dimensions. The output is a view of the input.

    It prints as ``InplaceDimShuffle{order}``, Theano 1.0's name for a DimShuffle whose output is a
    view (its default, and the only kind here: ``inplace`` is accepted and always True).
    """

    __props__ = ("input_broadcastable", "new_order")
    view_map = {0: [0]}

    def __init__(self, input_broadcastable, new_order, inplace=True):
        self.input_broadcastable = tuple(bool(b) for b in input_broadcastable)
        new_order = tuple(new_order)
        for i, o in enumerate(new_order):
            if o != "x" and not isinstance(o, (int, np.integer)):
                raise TypeError(f"DimShuffle pattern entries must be ints or 'x', got {o!r}")
            if o != "x" and not 0 <= o < len(self.input_broadcastable):
                raise ValueError(
                    f"DimShuffle pattern {new_order} refers to dimension {o} of an input with "
                    f"{len(self.input_broadcastable)} dimensions"
                )
        kept = [o for o in new_order if o != "x"]
        if len(set(kept)) != len(kept):
            dup = next(o for o in kept if kept.count(o) > 1)
            raise ValueError(f"DimShuffle pattern {new_order} repeats a dimension: input dimension "
                             f"{dup} may not appear twice")
        self.new_order = tuple(int(o) if o != "x" else "x" for o in new_order)
        self.drop = tuple(i for i in range(len(self.input_broadcastable)) if i not in kept)
        for d in self.drop:
            if not self.input_broadcastable[d]:
                raise ValueError(
                    f"DimShuffle {new_order} drops dimension {d}, which is not broadcastable; only "
                    "dimensions of length 1 known at compile time can be dropped"
                )
        self.shuffle = tuple(kept)
        self.augment = tuple(i for i, o in enumerate(self.new_order) if o == "x")
        self.inplace = True     # the output is always a view of the input

    def __str__(self):
        return "InplaceDimShuffle{%s}" % ",".join(str(o) for o in self.new_order)

    def make_node(self, x):
        x = _as_tensor(x)
        if x.broadcastable != self.input_broadcastable:
            if len(x.broadcastable) != len(self.input_broadcastable) or any(
                    ib and not xb for ib, xb in zip(self.input_broadcastable, x.broadcastable)):
                raise TypeError(
                    f"DimShuffle expected an input with broadcastable pattern "
                    f"{self.input_broadcastable}, got {x.broadcastable}"
                )
        bcast = tuple(True if o == "x" else x.broadcastable[o] for o in self.new_order)
        return Apply(self, [x], [TensorType(x.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        res = x.transpose(self.shuffle + self.drop)
        shape = [1 if o == "x" else res.shape[o] for o in self._out_positions(res)]
        output_storage[0][0] = res.reshape(shape) if res.ndim != len(shape) or self.augment else res

    def _out_positions(self, res):
        # Map each output position to a source dimension of ``res`` (after transpose) or 'x'.
        out = []
        k = 0
        for o in self.new_order:
            if o == "x":
                out.append("x")
            else:
                out.append(k)
                k += 1
        return out

    def infer_shape(self, node, input_shapes):
        as_tensor_variable = _provided("as_tensor_variable")
        (ishape,) = input_shapes
        return [tuple(as_tensor_variable(1, dtype="int64") if o == "x" else ishape[o]
                      for o in self.new_order)]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        gz = _as_tensor(gz)
        # Back to the input order: positions of kept dims in the output.
        pos = {o: k for k, o in enumerate(self.new_order) if o != "x"}
        order = []
        for d in range(x.ndim):
            order.append(pos[d] if d in pos else "x")
        # Sum away the augmented ('x') output dims: they have length 1, so just drop them.
        keep_b = tuple(gz.broadcastable[k] or self.new_order[k] == "x" for k in range(gz.ndim))
        gz = _provided("patternbroadcast")(gz, keep_b)
        g = DimShuffle(gz.broadcastable, order)(gz)
        if g.dtype != x.dtype and x.dtype in ts.continuous_dtypes:
            g = _provided("cast")(g, x.dtype)
        return [g]

    def R_op(self, inputs, eval_points):
        return [self(*eval_points)] if eval_points[0] is not None else [None]


_ACC = {"bool": "int64", "int8": "int64", "int16": "int64", "int32": "int64", "uint8": "uint64",
        "uint16": "uint64", "uint32": "uint64", "float16": "float32", "float32": "float64",
        "complex64": "complex128"}
_OUT = {"bool": "int64", "int8": "int64", "int16": "int64", "int32": "int64", "uint8": "uint64",
        "uint16": "uint64", "uint32": "uint64"}


def _normalize_axis(axis, ndim):
    if is_none_variable(axis):  # None or NoneConst: every axis
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)) or hasattr(axis, "type") or (
            isinstance(axis, np.ndarray) and axis.ndim == 0):
        axis = [axis]
    if not isinstance(axis, (list, tuple, np.ndarray)):
        raise TypeError(f"axis must be None, an int or a tuple of ints, got {axis!r}")
    out = []
    for a in axis:
        if hasattr(a, "type"):  # a symbolic axis must be a constant
            try:
                a = _provided("get_scalar_constant_value")(a)
            except _provided("NotScalarConstantError") as exc:
                raise TypeError(f"axis must be known when the graph is built, got the symbolic {a}") from exc
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)) and not (
                isinstance(a, np.ndarray) and a.dtype.kind in "iu"):
            raise TypeError(f"axis must be an int or a tuple of ints, got {a!r}")
        a = int(a)
        if not -ndim <= a < max(ndim, 1) or (ndim == 0 and a not in (0, -1)):
            raise ValueError(f"axis {a} is out of range for a tensor with {ndim} dimensions")
        out.append(a % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in {axis}")
    return tuple(sorted(out)) if ndim else ()


class CAReduce(Op):
    """Reduce along ``axis`` (a tuple of ints) with a commutative-associative scalar op.

    ``dtype`` is the output dtype, ``acc_dtype`` the accumulator's (float32 sums accumulate in
    float64, small ints in int64, as Theano did).
    """

    __props__ = ("scalar_op", "axis", "dtype", "acc_dtype")
    _dtype_rules = False  # Sum, Prod, ProdWithoutZeros: a dtype/acc_dtype left out is chosen in make_node
    # and_/or_ are bitwise on integers (logical on booleans), as NumPy's and Theano's; All and Any
    # reduce booleans (their input is compared with 0 first)
    _np_fn = {"add": np.sum, "mul": np.prod, "maximum": np.max, "minimum": np.min,
              "and_": np.bitwise_and.reduce, "or_": np.bitwise_or.reduce}

    def __init__(self, scalar_op, axis=None, dtype=None, acc_dtype=None):
        self.scalar_op = scalar_op
        if isinstance(axis, (int, np.integer)) or (isinstance(axis, np.ndarray) and axis.ndim == 0):
            axis = [axis]  # Sum(axis=1), Prod(axis=np.array(1))
        self.axis = None if axis is None else tuple(sorted(int(a) for a in axis))
        self.dtype = dtype
        self.acc_dtype = acc_dtype

    def __str__(self):
        name = {"add": "Sum", "mul": "Prod", "maximum": "Max", "minimum": "Min", "and_": "All",
                "or_": "Any"}.get(self.scalar_op.name, f"CAReduce{{{self.scalar_op}}}")
        parts = []
        # a reduction over every axis given as axis=None prints as Theano 1.0's did (no axis)
        if self.axis is not None and not self.__dict__.get("_all_axes"):
            parts.append(f"axis={list(self.axis)}")
        if self.acc_dtype is not None and name in ("Sum", "Prod"):
            parts.append(f"acc_dtype={self.acc_dtype}")
        return f"{name}{{{', '.join(parts)}}}" if parts else name

    def make_node(self, x):
        x = _as_tensor(x)
        axis = _normalize_axis(self.axis, x.ndim)
        if self.axis is None or tuple(axis) != self.axis:
            op = type(self).__new__(type(self))
            op.__dict__.update(self.__dict__)
            op.axis = axis
            if self.axis is None:
                op._all_axes = True
            return op.make_node(x)
        if self._dtype_rules and (self.dtype is None or self.acc_dtype is None):
            # Sum/Prod built directly (Sum(axis)(x)) follow T.sum's dtype rules: small ints give
            # int64/uint64, float32 accumulates in float64 (see reduce_dtypes)
            op = type(self).__new__(type(self))
            op.__dict__.update(self.__dict__)
            op.dtype, op.acc_dtype = reduce_dtypes(x.dtype, self.dtype, self.acc_dtype)
            return op.make_node(x)
        out_dtype = self.dtype or x.dtype
        bcast = tuple(b for d, b in enumerate(x.broadcastable) if d not in axis)
        return Apply(self, [x], [TensorType(out_dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        name = self.scalar_op.name
        fn = self._np_fn.get(name)
        axis = self.axis
        out_dtype = node.outputs[0].type.numpy_dtype
        if x.size == 0 and name in ("maximum", "minimum") and any(x.shape[a] == 0 for a in axis):
            raise ValueError(
                f"{self}: cannot reduce an empty array of shape {x.shape} with {name} (no identity)"
            )
        if name == "mul_without_zeros":
            acc = np.dtype(self.acc_dtype or x.dtype)
            r = np.prod(np.where(x == 0, np.ones((), dtype=acc), x.astype(acc, copy=False)), axis=axis)
            # a product over only zeros is 0
            r = np.where(np.all(x == 0, axis=axis), np.zeros((), dtype=acc), r) if x.size else r
        elif name in ("add", "mul"):
            r = fn(x, axis=axis, dtype=self.acc_dtype or None)
        elif fn is not None:
            r = fn(x, axis=axis)
        elif isinstance(getattr(self.scalar_op, "impl_fn", None), np.ufunc) and self.scalar_op.nin == 2:
            r = self.scalar_op.impl_fn.reduce(x, axis=axis) if axis else x
        else:
            r = x
            for a in reversed(axis):
                pairwise = np.frompyfunc(
                    lambda p, q: self.scalar_op.impl(np.asarray(p), np.asarray(q)), 2, 1)
                r = pairwise.reduce(r, axis=a)
        r = np.asarray(r)
        if r.dtype != out_dtype:
            r = r.astype(out_dtype)
        output_storage[0][0] = r

    def infer_shape(self, node, input_shapes):
        (s,) = input_shapes
        return [tuple(d for i, d in enumerate(s) if i not in self.axis)]

    def L_op(self, inputs, outputs, output_grads):
        (x,), (out,), (gz,) = inputs, outputs, output_grads
        discrete = x.dtype in ts.discrete_dtypes
        if out.dtype in ts.discrete_dtypes:
            # a discrete output is flat (Theano 1.0): sum(i) of an int vector has zero gradient
            return [_provided("zeros_like")(x, dtype=config.floatX if discrete else x.dtype)]
        if discrete:
            # a float reduction of integers (sum(i, dtype='float64')): the gradient of the same
            # values given as floats
            x = _provided("cast")(x, out.dtype)
        # re-insert the reduced axes
        pattern = []
        k = 0
        for d in range(x.ndim):
            if d in self.axis:
                pattern.append("x")
            else:
                pattern.append(k)
                k += 1
        gz_b = DimShuffle(gz.broadcastable, pattern)(gz)
        name = self.scalar_op.name
        if name == "add":
            g = gz_b + _provided("zeros_like")(x, dtype=gz.dtype)
        elif name == "mul":
            out_b = DimShuffle(out.broadcastable, pattern)(out)
            # product of the others: out / x where x != 0, computed safely for zeros
            g = gz_b * _provided("prod_without_self")(x, self.axis, out_b)
        elif name in ("maximum", "minimum"):
            out_b = DimShuffle(out.broadcastable, pattern)(out)
            g = gz_b * _provided("eq")(x, out_b)
        else:
            return [_provided("zeros_like")(x, dtype=config.floatX if discrete else x.dtype)]
        if g.dtype != x.dtype and not discrete:
            g = _provided("cast")(g, x.dtype)
        return [g]


class Sum(CAReduce):
    """The sum over ``axis`` (None: every axis), accumulated in ``acc_dtype``, returned in ``dtype``."""

    _dtype_rules = True

    def __init__(self, axis=None, dtype=None, acc_dtype=None):
        super().__init__(ts.add, axis, dtype, acc_dtype)


class Prod(CAReduce):
    """The product over ``axis``. ``no_zeros_in_input=True`` promises that the input holds no
    zero, so the gradient is simply ``gz * prod / x``."""

    __props__ = CAReduce.__props__ + ("no_zeros_in_input",)
    _dtype_rules = True

    def __init__(self, axis=None, dtype=None, acc_dtype=None, no_zeros_in_input=False):
        super().__init__(ts.mul, axis, dtype, acc_dtype)
        self.no_zeros_in_input = bool(no_zeros_in_input)

    def L_op(self, inputs, outputs, output_grads):
        (x,), (out,), (gz,) = inputs, outputs, output_grads
        if not self.no_zeros_in_input or x.dtype in ts.discrete_dtypes \
                or out.dtype in ts.discrete_dtypes:
            return super().L_op(inputs, outputs, output_grads)
        pattern, k = [], 0
        for d in range(x.ndim):
            if d in self.axis:
                pattern.append("x")
            else:
                pattern.append(k)
                k += 1
        g = DimShuffle(gz.broadcastable, pattern)(gz) * DimShuffle(out.broadcastable, pattern)(out) / x
        if g.dtype != x.dtype:
            g = _provided("cast")(g, x.dtype)
        return [g]


class ProdWithoutZeros(CAReduce):
    """The product over ``axis`` of the non-zero elements (zeros count as 1; a product over only
    zeros is 0). Its gradient is undefined (``theano.grad`` through it raises NullTypeGradError)."""

    _dtype_rules = True

    def __init__(self, axis=None, dtype=None, acc_dtype=None):
        super().__init__(ts.mul_without_zeros, axis, dtype, acc_dtype)

    def __str__(self):
        return "ProdWithoutZeros" + (f"{{axis={list(self.axis)}}}" if self.axis is not None else "")

    def L_op(self, inputs, outputs, output_grads):
        from theano.graph.null_type import grad_undefined

        return [grad_undefined(self, 0, inputs[0], "the product without zeros has no gradient")]


class Max(CAReduce):
    """The largest element over ``axis`` (``T.max``)."""

    def __init__(self, axis=None):
        super().__init__(ts.maximum, axis)


class Min(CAReduce):
    """The smallest element over ``axis`` (``T.min``)."""

    def __init__(self, axis=None):
        super().__init__(ts.minimum, axis)


def _nonzero(x):
    """``x != 0`` (``x`` itself when boolean)."""
    x = _as_tensor(x)
    if x.dtype == "bool":
        return x
    zero = _as_tensor(np.zeros((), dtype=x.dtype))
    if x.ndim:
        zero = DimShuffle((), ["x"] * x.ndim)(zero)
    return Elemwise(ts.neq)(x, zero)


class All(CAReduce):
    """True where every element over ``axis`` is non-zero (bool output)."""

    def __init__(self, axis=None):
        super().__init__(ts.and_, axis, dtype="bool")

    def make_node(self, x):
        return super().make_node(_nonzero(x))


class Any(CAReduce):
    """True where some element over ``axis`` is non-zero (bool output)."""

    def __init__(self, axis=None):
        super().__init__(ts.or_, axis, dtype="bool")

    def make_node(self, x):
        return super().make_node(_nonzero(x))


def reduce_dtypes(x_dtype, dtype=None, acc_dtype=None):
    """Output and accumulator dtypes of sum/prod for an input dtype (Theano's rules)."""
    if dtype == "floatX" or acc_dtype == "floatX":
        dtype = config.floatX if dtype == "floatX" else dtype
        acc_dtype = config.floatX if acc_dtype == "floatX" else acc_dtype
    dtype = None if dtype is None else str(np.dtype(dtype))
    acc_dtype = None if acc_dtype is None else str(np.dtype(acc_dtype))
    # an accumulator at least as precise as the input; any float/complex one for int/bool input
    if acc_dtype is not None and ts.upcast(x_dtype, acc_dtype) != acc_dtype and not (
            x_dtype in ts.discrete_dtypes and acc_dtype in ts.continuous_dtypes):
        raise TypeError(
            f"Cannot reduce an input of dtype {x_dtype} with acc_dtype {acc_dtype}: precision would be "
            f"lost. Leave acc_dtype out, use one at least as precise as {x_dtype}, or give dtype instead.")
    out = dtype or _OUT.get(x_dtype, x_dtype)
    acc = acc_dtype or _ACC.get(out if dtype else x_dtype, out)
    return out, acc
