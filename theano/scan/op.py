"""The Scan op: a loop whose body is a compiled inner graph.

One general mechanism covers the user's scans and their gradients. The op owns

- **buffers**, arrays along a time axis. At step ``s`` the loop is at time ``t = t_start + s``
  (``t_start + n - 1 - s`` when ``reverse``). The body reads ``B[t + a]`` for each read offset ``a``
  and adds what it returns to ``B[t + w]`` for each write offset ``w``. A sequence is a buffer that
  is only read; a state with taps ``-2, -1`` is a buffer initialised with 2 rows, read at offsets
  0, 1 and written at offset 2; an output that is not fed back is written at offset 0. Every read
  must see a final value: forward loops need ``max(reads) < min(writes)``, reversed loops the
  opposite. The gradient of such a buffer is a buffer of the reversed loop with reads and writes
  swapped, so the gradient of a Scan is a Scan, and so is its gradient (grad of grad works).
  Initialisation: 'full' (the outer input is the whole buffer), 'head' (the outer input holds the
  first rows, the rest starts at zero), 'none' (zeros, shaped by the first write).
- **accumulators**: ``acc = init + sum over steps of the body's value`` (gradients of
  non-sequences; only the running sum is kept);
- **untraced states**: any type, fed back from step to step, only the last value is returned
  (shared variables updated inside the loop: random generator states);
- **non-sequences**: the same value at every step;
- optionally a stop condition (``as_while``), the last output of the body.

Outer inputs: ``[n_steps, t_start] + buffer inits (not 'none') + acc inits + untraced inits +
non-sequences``. Outer outputs: ``buffers that are written + accs + untraced + [n_steps run]``.
The inner graph is compiled once, on first use, with the op's mode; ``perform`` runs a step loop
generated once per op as straight-line Python (``_build_loop``): one argument list reused for every
step, rows read as views of preallocated buffers, the inner thunk called directly, results checked
for shape and written into the buffers and accumulators. On the native backend, an inner graph
made only of ops Numba can express runs instead as one compiled loop over the steps
(``_NumbaLoop``: the inner graph from ``link/numba/graph.py`` and the step loop around it),
when the input shapes say its elementwise loops are not dominated by libm functions that the
per-node code would run as NumPy ufuncs (decided from shapes only); an inner graph of scalars
steps on plain scalars. A loop that every call runs compiled (no product, a libm penalty the
shapes do not change) is also part of the outer graph's whole-graph function when that graph
has one (``numba_graph_code``), so a tiny scan is one Numba call. Buffers the loop allocates are kept
by the op and reused by a later call when nothing else refers to them any more (the returned
outputs and their views keep theirs). ``scan/rewriting.py`` drops unused parts
of a loop, hoists products of a sequence and a non-sequence out of it, and lets gradient loops
write into their initial buffers in place.
"""

import sys

import numpy as np

from theano.graph.basic import Apply, Constant, Variable, ancestors, io_toposort
from theano.graph.op import Op
from theano.graph.type import Type
from theano.graph.utils import MethodNotDefined
from theano.tensor.type import TensorType

__all__ = ["Buffer", "Scan"]

_INT64_SCALAR = TensorType("int64", ())


class Buffer:
    """Static description of one buffer of a Scan (see the module docstring)."""

    __slots__ = ("reads", "writes", "init", "label", "keep")

    def __init__(self, reads=(), writes=(), init="full", label="", keep=0):
        self.reads = tuple(int(a) for a in reads)
        self.writes = tuple(int(w) for w in writes)
        if init not in ("full", "head", "none"):
            raise ValueError(f"Buffer init must be 'full', 'head' or 'none', got {init!r}")
        if init == "none" and (self.reads or not self.writes):
            raise ValueError("A buffer without an initial value must be written and never read")
        if any(a < 0 for a in self.reads + self.writes):
            raise ValueError(f"Buffer offsets must be non-negative: {self.reads}, {self.writes}")
        self.init = init
        self.label = label
        # keep > 0: only the last ``keep`` rows are stored (a ring: row t at t % keep) and the
        # outer output is those rows in order, the last written one last (scan_save_mem)
        self.keep = int(keep)
        if self.keep and (init != "head" or not self.writes or self.keep <= self.span):
            raise ValueError(f"Buffer(keep={self.keep}): only a state initialised 'head' can keep "
                             f"its last rows, at least {self.span + 1} of them")

    def __getstate__(self):
        return {k: getattr(self, k) for k in self.__slots__}

    def __setstate__(self, state):
        if isinstance(state, tuple):        # the default protocol's (dict, slots)
            state = dict(state[1] or {})
        self.keep = 0                       # pickled before buffers could keep a few rows
        for k, v in state.items():
            setattr(self, k, v)

    @property
    def span(self):
        return max(self.reads + self.writes, default=0)

    @property
    def head(self):
        """Rows given by a 'head' initial value: the positions read before the first write."""
        return min(self.writes) if self.writes else 0

    def __repr__(self):
        keep = f", keep={self.keep}" if self.keep else ""
        return f"Buffer(reads={self.reads}, writes={self.writes}, init={self.init!r}{keep})"


def _is_float(v):
    return str(getattr(v, "dtype", "")).startswith("float")


class SequenceOf(Type):
    """The type of a Python list of values of ``elem_type``, one per time step (the recorded values
    of non-tensor states, such as random generator states, that a gradient loop reads again)."""

    def __init__(self, elem_type):
        self.elem_type = elem_type

    def filter(self, data, strict=False, allow_downcast=None):
        if not isinstance(data, list):
            raise TypeError(f"{self} expects a list, got {type(data).__name__}")
        return data

    def __eq__(self, other):
        return type(self) is type(other) and self.elem_type == other.elem_type

    def __hash__(self):
        return hash((type(self), self.elem_type))

    def __str__(self):
        return f"SequenceOf({self.elem_type})"


def _alloc_buffer(op, bufs, row_shapes, k, v, t0, n):
    """Allocate buffer ``k`` (initialised 'none') from the first value written into it."""
    shape = np.shape(v)
    buf = bufs[k] = op._new_buffer(k, (t0 + n + op.buffers[k].span,) + shape,
                                   op.elem_types[k].dtype, n, t0)
    row_shapes[k] = shape
    return buf


def _check_row(op, s, k, v, row_shape):
    if np.shape(v) != row_shape:
        raise ValueError(
            f"scan: at step {s} the step function returned a value of shape "
            f"{np.shape(v)} for {op._label(k)}, whose previous values have shape "
            f"{row_shape}; a recurrent output must keep its shape"
        )


def _check_acc(j, v, shape):
    if np.shape(v) != shape:
        raise ValueError(f"scan: accumulator {j} got a value of shape {np.shape(v)}, "
                         f"expected {shape}")


class Scan(Op):
    """See the module docstring. Built by ``theano.scan`` (and by its own ``L_op``)."""

    __props__ = ()

    def __init__(self, inner_inputs, inner_outputs, buffers, n_acc=0, n_untraced=0, n_nonseq=0,
                 reverse=False, as_while=False, truncate_gradient=-1, mode=None, name=None,
                 record_untraced=False, inplace=()):
        self.inner_inputs = list(inner_inputs)
        self.inner_outputs = list(inner_outputs)
        self.buffers = tuple(buffers)
        self.n_acc, self.n_untraced, self.n_nonseq = int(n_acc), int(n_untraced), int(n_nonseq)
        self.reverse = bool(reverse)
        self.as_while = bool(as_while)
        self.truncate_gradient = int(truncate_gradient)
        self.mode = mode
        self.name = name
        self.record_untraced = bool(record_untraced)
        self._fn = None
        self._loop = None
        self._nb = None          # the compiled loop (_NumbaLoop), False where there is none
        self._pool = {}          # buffer index: an array a later call may reuse
        n_reads = sum(len(b.reads) for b in self.buffers)
        n_writes = sum(len(b.writes) for b in self.buffers)
        if len(self.inner_inputs) != n_reads + self.n_untraced + self.n_nonseq:
            raise ValueError(
                f"Scan: {len(self.inner_inputs)} inner inputs for {n_reads} buffer reads, "
                f"{self.n_untraced} untraced states and {self.n_nonseq} non-sequences"
            )
        if len(self.inner_outputs) != n_writes + self.n_acc + self.n_untraced + int(self.as_while):
            raise ValueError(
                f"Scan: {len(self.inner_outputs)} inner outputs for {n_writes} buffer writes, "
                f"{self.n_acc} accumulators, {self.n_untraced} untraced states"
                + (" and a stop condition" if self.as_while else "")
            )
        for b in self.buffers:
            if b.reads and b.writes:
                ok = min(b.reads) > max(b.writes) if self.reverse else max(b.reads) < min(b.writes)
                if not ok:
                    raise ValueError(f"Scan buffer {b}: a read would see a value still to be written")
        # element types of the buffers, and the positions of each part in the inner lists
        self.elem_types = []
        r = w = 0
        self._read_pos, self._write_pos = [], []
        for b in self.buffers:
            self._read_pos.append(list(range(r, r + len(b.reads))))
            self._write_pos.append(list(range(w, w + len(b.writes))))
            typ = (self.inner_inputs[r].type if b.reads else self.inner_outputs[w].type)
            if not isinstance(typ, TensorType) and (b.writes or b.init != "full"):
                raise TypeError(f"Scan: a buffer of non-tensor values ({typ}) can only be read")
            self.elem_types.append(typ)
            for k in range(r, r + len(b.reads)):
                if self.inner_inputs[k].type != typ:
                    raise TypeError("Scan: reads of one buffer have different types")
            for k in range(w, w + len(b.writes)):
                self._check_write(b, self.inner_outputs[k], typ)
            r += len(b.reads)
            w += len(b.writes)
        self._n_reads, self._n_writes = n_reads, n_writes
        if any(b.keep for b in self.buffers) and (self.reverse or self.as_while):
            raise ValueError("Scan: only a forward loop without a stop condition keeps the last "
                             "rows of a buffer")
        # buffers initialised 'full' and written whose outer initial value the loop overwrites
        # (set by the in-place rewrite where nothing else reads that value; see scan/rewriting.py)
        self.inplace = tuple(sorted(set(int(k) for k in inplace)))
        if self.inplace:
            init_pos = {k: 2 + p for p, k in enumerate(self.init_buffers)}
            out_pos = {k: p for p, k in enumerate(self.out_buffers)}
            for k in self.inplace:
                if self.buffers[k].init != "full" or not self.buffers[k].writes:
                    raise ValueError(f"Scan: buffer {k} cannot be updated in place")
            self.destroy_map = {out_pos[k]: [init_pos[k]] for k in self.inplace}

    def _check_write(self, b, out, typ):
        if out.type == typ:
            return
        label = b.label or "a recurrent output"
        if getattr(out.type, "dtype", None) != getattr(typ, "dtype", None):
            raise TypeError(
                f"scan: the step function returns {out} of dtype {out.type.dtype} for {label}, "
                f"whose values (initial state) have dtype {typ.dtype}: the output would change dtype "
                f"between steps. Cast the value returned by fn, e.g. T.cast(out, '{typ.dtype}'), or "
                f"give an initial state of dtype {out.type.dtype}."
            )
        raise TypeError(
            f"scan: the step function returns {out} of type {out.type} for {label}, whose values "
            f"have type {typ}. The number of dimensions and broadcastable pattern must match "
            "(use T.unbroadcast / T.patternbroadcast)."
        )

    # Two Scans are equal when they loop the same way over inner graphs that compute the same
    # thing (as in Theano 1.0), so identical loops built twice are merged into one.
    def _static_key(self):
        return (self.n_acc, self.n_untraced, self.n_nonseq, self.reverse, self.as_while,
                self.truncate_gradient, self.name, self.record_untraced, self.inplace,
                tuple((b.reads, b.writes, b.init, b.keep) for b in self.buffers),
                tuple(v.type for v in self.inner_inputs),
                tuple(v.type for v in self.inner_outputs))

    def __eq__(self, other):
        if self is other:
            return True
        if type(self) is not type(other) or self._static_key() != other._static_key():
            return False
        if self.mode != other.mode:
            return False
        from theano.graph.basic import equal_computations

        return equal_computations(self.inner_outputs, other.inner_outputs,
                                  self.inner_inputs, other.inner_inputs)

    def __hash__(self):
        h = self.__dict__.get("_hash")
        if h is None:
            h = self.__dict__["_hash"] = hash((type(self), self._static_key()))
        return h

    def __str__(self):
        # Theano 1.0's names: for{cpu,scan_fn}, do_while{cpu,...}, for{inplace{0,},cpu,...}
        kind = "do_while" if self.as_while else "for"
        outs = sorted(getattr(self, "destroy_map", None) or {})
        inplace = "inplace{" + "".join(f"{k}," for k in outs) + "}," if outs else ""
        reverse = ",reverse" if self.reverse else ""
        return f"{kind}{{{inplace}cpu,{self.name or 'scan_fn'}{reverse}}}"

    __repr__ = __str__

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_fn"] = None
        state["_loop"] = None
        state["_nb"] = None
        state["_pool"] = {}
        state.pop("_maker", None)
        state.pop("_function", None)
        state.pop("_lay", None)
        state.pop("_deps", None)
        state.pop("_hash", None)  # hashes of strings differ between processes
        return state

    def __setstate__(self, state):
        state.setdefault("_loop", None)
        state.setdefault("inplace", ())
        state.setdefault("_nb", None)
        state.setdefault("_pool", {})
        self.__dict__.update(state)

    def with_recording(self):
        """The same loop, with one more output per untraced state: its value at each step."""
        return self.with_changes(record_untraced=True, inplace=())

    def with_changes(self, **changes):
        """The same loop (same inner graph) with some constructor arguments changed (``buffers``:
        the same buffers with other ``keep``)."""
        kw = dict(n_acc=self.n_acc, n_untraced=self.n_untraced, n_nonseq=self.n_nonseq,
                  reverse=self.reverse, as_while=self.as_while,
                  truncate_gradient=self.truncate_gradient, mode=self.mode, name=self.name,
                  record_untraced=self.record_untraced, inplace=self.inplace)
        buffers = changes.pop("buffers", self.buffers)
        kw.update(changes)
        return Scan(self.inner_inputs, self.inner_outputs, buffers, **kw)

    # -- layout ----------------------------------------------------------------------------------
    @property
    def init_buffers(self):
        return [i for i, b in enumerate(self.buffers) if b.init != "none"]

    @property
    def out_buffers(self):
        return [i for i, b in enumerate(self.buffers) if b.writes]

    def split_inputs(self, inputs):
        """(n_steps, t_start, {buffer index: init}, accs, untraced, nonseqs) of the outer inputs."""
        k = 2
        inits = {}
        for i in self.init_buffers:
            inits[i] = inputs[k]
            k += 1
        accs = list(inputs[k:k + self.n_acc])
        k += self.n_acc
        untraced = list(inputs[k:k + self.n_untraced])
        k += self.n_untraced
        return inputs[0], inputs[1], inits, accs, untraced, list(inputs[k:])

    # -- Theano 1.0's names for the inner graph and the variables of each role --------------------
    # (``op.inputs``/``op.outputs`` are the inner graph's; a sequence is a buffer that is only
    # read, given whole; the non-sequences are the last inner and outer inputs)
    @property
    def inputs(self):
        return self.inner_inputs

    @property
    def outputs(self):
        return self.inner_outputs

    @property
    def _seq_buffers(self):
        return [k for k, b in enumerate(self.buffers) if b.init == "full" and not b.writes]

    @property
    def n_seqs(self):
        return len(self._seq_buffers)

    @property
    def n_non_seqs(self):
        return self.n_nonseq

    def inner_seqs(self, list_inputs=None):
        """The inner inputs that read a sequence (one per tap) in ``list_inputs`` (inner inputs in
        this op's layout; default: the op's own)."""
        list_inputs = self.inner_inputs if list_inputs is None else list_inputs
        return [list_inputs[p] for k in self._seq_buffers for p in self._read_pos[k]]

    def outer_seqs(self, list_inputs):
        """The sequences among the outer inputs (``list_inputs``: a node of this op, or its
        inputs)."""
        list_inputs = getattr(list_inputs, "inputs", list_inputs)
        pos = {k: 2 + p for p, k in enumerate(self.init_buffers)}
        return [list_inputs[pos[k]] for k in self._seq_buffers]

    def inner_non_seqs(self, list_inputs=None):
        """The inner inputs that stand for the non-sequences."""
        list_inputs = self.inner_inputs if list_inputs is None else list_inputs
        return list(list_inputs[len(list_inputs) - self.n_nonseq:])

    def outer_non_seqs(self, list_inputs):
        """The non-sequences among the outer inputs (a node of this op, or its inputs)."""
        list_inputs = getattr(list_inputs, "inputs", list_inputs)
        return list(list_inputs[len(list_inputs) - self.n_nonseq:])

    def outer_input_of_inner(self, node):
        """{inner input: the outer input of ``node`` (an application of this op) it stands for}:
        each read of a buffer comes from the buffer's initial value (a sequence, or the initial
        rows of a state), each untraced state from its initial value and each non-sequence from
        the outer non-sequence (what ``debugprint`` shows as ``-> [id ...]``)."""
        _, _, inits, _, untraced, nonseqs = self.split_inputs(list(node.inputs))
        pairs = {}
        for k, positions in enumerate(self._read_pos):
            for p in positions:
                pairs[self.inner_inputs[p]] = inits[k]
        first_untraced = self._n_reads
        for j, v in enumerate(untraced):
            pairs[self.inner_inputs[first_untraced + j]] = v
        for inner, outer in zip(self.inner_non_seqs(), nonseqs):
            pairs[inner] = outer
        return pairs

    def make_node(self, n_steps, t_start, *rest):
        from theano.tensor.basic import as_tensor_variable, cast

        n_steps = cast(as_tensor_variable(n_steps), "int64")
        t_start = cast(as_tensor_variable(t_start), "int64")
        if n_steps.ndim != 0 or t_start.ndim != 0:
            raise TypeError(f"Scan: n_steps must be an integer scalar, got {n_steps.type}")
        expected = len(self.init_buffers) + self.n_acc + self.n_untraced + self.n_nonseq
        if len(rest) != expected:
            raise ValueError(f"Scan: expected {expected} inputs after n_steps and t_start, got {len(rest)}")
        rest = list(rest)
        k = 0
        for i in self.init_buffers:
            b, typ = self.buffers[i], self.elem_types[i]
            x = rest[k]
            if not isinstance(typ, TensorType):
                if x.type != SequenceOf(typ):
                    raise TypeError(f"Scan: {b.label or f'buffer {i}'} must be a {SequenceOf(typ)}, "
                                    f"got {x.type}")
                k += 1
                continue
            if not isinstance(x, Variable):
                x = rest[k] = as_tensor_variable(x)
            if x.type.dtype != typ.dtype or x.type.ndim != typ.ndim + 1 or \
                    tuple(x.type.broadcastable[1:]) != tuple(typ.broadcastable):
                raise TypeError(
                    f"Scan: {b.label or f'buffer {i}'} must be {typ.ndim + 1}-d {typ.dtype} with "
                    f"rows of type {typ}, got {x} of type {x.type}"
                )
            k += 1
        inner_k = self._n_writes
        for j in range(self.n_acc):
            x = rest[k + j]
            inc = self.inner_outputs[inner_k + j]
            if x.type != inc.type:
                raise TypeError(f"Scan: accumulator {j} has type {x.type} but its increments {inc.type}")
        k += self.n_acc
        base_in = self._n_reads
        for j in range(self.n_untraced):
            x = rest[k + j]
            if x.type != self.inner_inputs[base_in + j].type:
                raise TypeError(
                    f"Scan: the state {x} has type {x.type} but the loop uses it as "
                    f"{self.inner_inputs[base_in + j].type}"
                )
        k += self.n_untraced
        for j in range(self.n_nonseq):
            x = rest[k + j]
            inner = self.inner_inputs[base_in + self.n_untraced + j]
            if x.type != inner.type:
                conv = inner.type.convert_variable(x)
                if conv is None:
                    raise TypeError(f"Scan: non-sequence {j} ({x}) has type {x.type}, expected {inner.type}")
                rest[k + j] = conv
        outputs = []
        for i in self.out_buffers:
            typ = self.elem_types[i]
            outputs.append(TensorType(typ.dtype, (False,) + tuple(typ.broadcastable))())
        for j in range(self.n_acc):
            outputs.append(self.inner_outputs[inner_k + j].type())
        for j in range(self.n_untraced):
            outputs.append(self.inner_inputs[base_in + j].type())
        if self.record_untraced:
            for j in range(self.n_untraced):
                outputs.append(SequenceOf(self.inner_inputs[base_in + j].type)())
        outputs.append(_INT64_SCALAR())
        return Apply(self, [n_steps, t_start] + rest, outputs)

    # -- running ---------------------------------------------------------------------------------
    def _compiled(self):
        if self._fn is None:
            from theano.compile.function import function

            fn = function(self.inner_inputs, self.inner_outputs, mode=self.mode,
                          on_unused_input="ignore", trust_input=True)
            self._maker = fn.maker
            self._function = fn
            self._fn = fn.maker.thunk
        return self._fn

    @property
    def fn(self):
        """The compiled body (Theano 1.0's ``op.fn``: ``op.fn.maker.fgraph`` is the rewritten
        inner graph). The loop runs its program directly, so its storage holds no values."""
        if self.__dict__.get("_function") is None:
            self._fn = None      # (an op made by with_changes shares the program, not the function)
            self._compiled()
        return self._function

    def _numba_loop(self):
        """This op's compiled loop (built once), or False where the inner graph has none."""
        nb = self._nb
        if nb is None:
            nb = False
            try:
                nb = _NumbaLoop.build(self)
            finally:
                self._nb = nb or False
        return nb

    def _new_buffer(self, k, shape, dtype, steps, t0, head=0):
        """An array of ``shape``: the one an earlier call left for buffer ``k`` when nothing else
        refers to it any more (else a new one), zero except rows ``[0, head)`` (the caller's)
        and the rows every step writes (a loop from 0 that runs all its steps fills them)."""
        buf = self._pool.pop(k, None)
        if buf is not None and buf.shape == shape and buf.dtype == dtype and \
                sys.getrefcount(buf) == 2:
            b = self.buffers[k]
            start = b.head if b.init == "head" else 0
            if not (t0 == 0 and not self.as_while and b.writes == (start,) and b.span == start):
                buf[head:] = 0
            return buf
        del buf
        return np.zeros(shape, dtype=dtype)

    def _keep(self, bufs):
        """Keep the buffers this call allocated for a later call (see ``_new_buffer``)."""
        pool = self._pool
        inplace = self.inplace
        for k in self._layout()[5]:
            if k not in inplace:
                buf = bufs[k]
                if type(buf) is np.ndarray and buf.base is None:
                    pool[k] = buf

    def _label(self, i):
        return self.buffers[i].label or f"buffer {i}"

    def _build_loop(self):
        """The step loop of ``perform``, generated as straight-line Python for this op's layout.

        ``loop(fn, args, bufs, accs, untraced, record, t0, n, row_shapes)`` runs the steps and
        returns ``(steps run, last untraced states)``. Each step stores the rows it reads into
        ``args`` (the non-sequences are already at the end), calls the inner thunk ``fn``, checks
        the shapes of what it returned and writes them into the buffers and accumulators.
        """
        n_w, n_acc, n_un = self._n_writes, self.n_acc, self.n_untraced
        lines = ["def loop(fn, args, bufs, accs, untraced, record, t0, n, row_shapes):"]
        add = lines.append
        for k in range(len(self.buffers)):
            add(f"    b{k} = bufs[{k}]")
            add(f"    rs{k} = row_shapes[{k}]")
        for j in range(n_acc):
            add(f"    a{j} = accs[{j}]")
            add(f"    as{j} = a{j}.shape")
        for j in range(n_un):
            add(f"    u{j} = untraced[{j}]")
            if self.record_untraced:
                add(f"    rec{j} = record[{j}]")
        add("    done = n")
        add("    tlast = t0 + n - 1")
        add("    for s in range(n):")
        add("        t = tlast - s" if self.reverse else "        t = t0 + s")
        pos = 0
        for k, b in enumerate(self.buffers):
            typ = self.elem_types[k]
            for a in b.reads:
                row = f"(t + {a}) % {b.keep}" if b.keep else f"t + {a}"
                if not isinstance(typ, TensorType):
                    idx = row                 # a Python list of values
                elif typ.ndim == 0:
                    idx = f"{row}, ..."       # a 0-d view, not a NumPy scalar
                else:
                    idx = row
                add(f"        args[{pos}] = b{k}[{idx}]")
                pos += 1
        for j in range(n_un):
            add(f"        args[{pos + j}] = u{j}")
            if self.record_untraced:
                add(f"        rec{j}[t] = u{j}")
        add("        outs = fn(args)")
        pos = 0
        for k, b in enumerate(self.buffers):
            for w in b.writes:
                add(f"        v = outs[{pos}]")
                if b.init == "none":
                    add(f"        if b{k} is None:")
                    add(f"            b{k} = _alloc(op, bufs, row_shapes, {k}, v, t0, n)")
                    add(f"            rs{k} = row_shapes[{k}]")
                add(f"        if v.__class__ is not _ndarray or v.shape != rs{k}:")
                add(f"            _check_row(op, s, {k}, v, rs{k})")
                if b.init == "full":
                    add(f"        row = b{k}[t + {w}, ...]")
                    add("        row += v")          # a view: add in place
                elif b.keep:
                    add(f"        b{k}[(t + {w}) % {b.keep}, ...] = v")
                else:
                    add(f"        b{k}[t + {w}, ...] = v")
                pos += 1
        for j in range(n_acc):
            add(f"        v = outs[{n_w + j}]")
            add(f"        if v.__class__ is not _ndarray or v.shape != as{j}:")
            add(f"            _check_acc({j}, v, as{j})")
            add(f"        a{j} += v")
        for j in range(n_un):
            add(f"        u{j} = outs[{n_w + n_acc + j}]")
        if self.as_while:
            add("        if outs[-1]:")
            add("            done = s + 1")
            add("            break")
        for k, b in enumerate(self.buffers):
            if b.keep:      # the kept rows in order, the last written one last
                add(f"    b{k}[...] = _roll(b{k}, -((t0 + n + {max(b.writes)}) % {b.keep}), 0)")
        add(f"    return done, [{''.join(f'u{j}, ' for j in range(n_un))}]")
        glb = {"_ndarray": np.ndarray, "_alloc": _alloc_buffer, "_check_row": _check_row,
               "_check_acc": _check_acc, "op": self, "_roll": np.roll}
        exec(compile("\n".join(lines) + "\n", f"<scan loop {self}>", "exec"), glb)
        loop = glb["loop"]
        loop.source = "\n".join(lines)
        return loop

    def _layout(self):
        """Facts of the layout ``perform`` uses at every call (computed once)."""
        lay = self.__dict__.get("_lay")
        if lay is None:
            init = self.init_buffers
            a0 = 2 + len(init)
            u0 = a0 + self.n_acc
            lay = self.__dict__["_lay"] = (
                {k: 2 + p for p, k in enumerate(init)}, a0, u0, u0 + self.n_untraced,
                tuple(b.span for b in self.buffers), tuple(self.out_buffers))
        return lay

    def perform(self, node, inputs, output_storage):
        n = int(inputs[0])
        t0 = int(inputs[1])
        if n < 0:
            raise ValueError(self._negative_steps_message(n, inputs))
        if t0 < 0:
            raise ValueError(f"Scan: t_start must be >= 0, got {t0}")
        init_at, a0, u0, ns0, spans, out_buffers = self._layout()
        inits = {k: inputs[p] for k, p in init_at.items()}
        accs0 = inputs[a0:u0]
        untraced = inputs[u0:ns0]
        nonseqs = inputs[ns0:]
        fn = self._fn
        if fn is None:
            fn = self._compiled()
        nb = self._nb
        if nb is None:
            nb = self._numba_loop()
        done = bufs = None
        if nb and n > 0:
            bufs = self._buffers(inits, t0, n)
            accs = [np.array(a, copy=True) for a in accs0]
            done = nb.run(self, fn, bufs, accs, nonseqs, t0, n)
            record = None
            if done == -1:      # it stopped with an error after writing: start again
                done = bufs = None
        if done is None:
            if bufs is None:    # (else the compiled loop left them as they were)
                bufs = self._buffers(inits, t0, n)
                accs = [np.array(a, copy=True) for a in accs0]
            loop = self._loop
            if loop is None:
                loop = self._loop = self._build_loop()
            record = [[None] * (t0 + n) for _ in range(self.n_untraced)] if self.record_untraced \
                else None
            row_shapes = [buf.shape[1:] if isinstance(buf, np.ndarray) else None for buf in bufs]
            # one argument list for every step: reads and untraced states are replaced in place
            args = [None] * (self._n_reads + self.n_untraced) + list(nonseqs)
            done, untraced = loop(fn, args, bufs, accs, list(untraced), record, t0, n, row_shapes)
        self._keep(bufs)
        out_i = 0
        for k in out_buffers:
            buf = bufs[k]
            if buf is None:  # never written (0 steps): the row shape is unknown
                typ = self.elem_types[k]
                buf = np.zeros((t0 + n + spans[k],) + (0,) * typ.ndim, dtype=typ.dtype)
            if done < n and self.buffers[k].init != "full":
                buf = buf[: t0 + done + spans[k]]
            elif self.buffers[k].keep and t0 + n + spans[k] < len(buf):
                # fewer rows than kept were written: the last ones (rotated to the end)
                buf = buf[len(buf) - (t0 + n + spans[k]):]
            output_storage[out_i][0] = buf
            out_i += 1
        for a in accs:
            output_storage[out_i][0] = a
            out_i += 1
        for u in untraced:
            if isinstance(u, np.ndarray) and any(u is x for x in inputs):
                u = u.copy()  # never hand back an input's own memory as a new state
            output_storage[out_i][0] = u
            out_i += 1
        if record is not None:
            for lst in record:
                output_storage[out_i][0] = lst
                out_i += 1
        output_storage[out_i][0] = np.asarray(done, dtype="int64")

    def _buffers(self, inits, t0, n):
        """The buffers of a call: sequences as given, written buffers initialised from their
        outer value (a copy, or the value itself where the in-place rewrite gave it), 'none'
        buffers as None (allocated at the first write)."""
        inplace = self.inplace
        spans = self._layout()[4]
        bufs = []
        for i, b in enumerate(self.buffers):
            need = t0 + n + spans[i]
            if b.init == "none":
                bufs.append(None)
                continue
            x = inits[i]
            if b.init == "full":
                if len(x) < need:
                    raise ValueError(
                        f"scan: {self._label(i)} has {len(x)} entries but {n} steps need "
                        f"{need} (the loop reads or writes {b.span} position(s) ahead). Give "
                        "a longer sequence or fewer n_steps."
                    )
                if not b.writes:
                    bufs.append(x)
                elif i in inplace and type(x) is np.ndarray and x.flags.writeable:
                    bufs.append(x)    # the in-place rewrite gave this value to the loop
                else:
                    buf = self._pool.pop(i, None)
                    if buf is not None and buf.shape == x.shape and buf.dtype == x.dtype and \
                            sys.getrefcount(buf) == 2:
                        np.copyto(buf, x)
                    else:
                        buf = x.copy()
                    bufs.append(buf)
            else:
                h = b.head
                if x.shape[0] != h:
                    raise ValueError(
                        f"scan: the initial value of {self._label(i)} has {x.shape[0]} rows but "
                        f"its taps need exactly {h}"
                    )
                if b.keep:
                    if t0 != 0:
                        raise ValueError(f"scan: {self._label(i)} keeps its last rows only in "
                                         f"a loop starting at 0, not {t0}")
                    need = b.keep
                buf = self._new_buffer(i, (need,) + x.shape[1:], x.dtype, n, t0, h)
                buf[:h] = x
                bufs.append(buf)
        return bufs

    def _negative_steps_message(self, n, inputs):
        parts = []
        _, _, inits, _, _, _ = self.split_inputs(inputs)
        for i, b in enumerate(self.buffers):
            if b.init == "full" and not b.writes and b.span > 0:
                parts.append(f"{self._label(i)} has {inits[i].shape[0]} entries and its taps span "
                             f"{b.span + 1} positions")
        detail = ("; " + "; ".join(parts)) if parts else ""
        return (f"scan: the number of steps is negative ({n}){detail}. A sequence needs at least as "
                "many entries as its taps span (for taps [-2, 0]: 3 entries); n_steps must be >= 0.")

    # -- shapes ----------------------------------------------------------------------------------
    def infer_shape(self, node, input_shapes):
        from theano.tensor.basic import as_tensor_variable
        from theano.tensor.reshaping import shape_i

        n, t0 = node.inputs[0], node.inputs[1]
        shapes = []
        k_in = 2
        in_shape_of = {}
        for i in self.init_buffers:
            in_shape_of[i] = input_shapes[k_in]
            k_in += 1
        nonseq_shapes = input_shapes[2 + len(self.init_buffers) + self.n_acc + self.n_untraced:]
        for out_i, i in enumerate(self.out_buffers):
            b = self.buffers[i]
            out = node.outputs[out_i]
            if b.init == "full":
                shapes.append(tuple(in_shape_of[i]))
                continue
            if self.as_while:
                rows = shape_i(out, 0)
            else:
                rows = t0 + n + as_tensor_variable(b.span, dtype="int64")
                if b.keep:
                    from theano.tensor.math import minimum

                    rows = minimum(rows, as_tensor_variable(b.keep, dtype="int64"))
            if b.init == "head":
                shapes.append((rows,) + tuple(in_shape_of[i][1:]))
                continue
            inner = self._inner_shape(self.inner_outputs[self._write_pos[i][0]], in_shape_of,
                                      nonseq_shapes)
            if inner is None:
                inner = tuple(shape_i(out, d) for d in range(1, out.ndim))
            shapes.append((rows,) + tuple(inner))
        acc_shapes = input_shapes[2 + len(self.init_buffers):2 + len(self.init_buffers) + self.n_acc]
        shapes.extend(tuple(s) for s in acc_shapes)
        shapes.extend([None] * self.n_untraced * (2 if self.record_untraced else 1))
        shapes.append(())
        return shapes

    def _inner_shape(self, var, buffer_shapes, nonseq_shapes):
        """The shape of an inner variable in terms of outer shapes, or None when it needs values."""
        from theano.tensor.basic import as_tensor_variable

        known = {}
        for i, b in enumerate(self.buffers):
            for pos in self._read_pos[i]:
                if i in buffer_shapes and buffer_shapes[i] is not None:
                    known[self.inner_inputs[pos]] = tuple(buffer_shapes[i][1:])
        base = self._n_reads + self.n_untraced
        for j, shp in enumerate(nonseq_shapes):
            if shp is not None:
                known[self.inner_inputs[base + j]] = tuple(shp)
        try:
            for node in io_toposort(self.inner_inputs, [var]):
                in_shapes = []
                for v in node.inputs:
                    if v in known:
                        in_shapes.append(known[v])
                    elif isinstance(v, Constant) and hasattr(v.data, "shape"):
                        in_shapes.append(tuple(as_tensor_variable(s, dtype="int64") for s in v.data.shape))
                    elif not hasattr(v.type, "ndim"):
                        in_shapes.append(None)
                    else:
                        return None
                outs = node.op.infer_shape(node, in_shapes)
                for o, s in zip(node.outputs, outs):
                    if s is not None:
                        known[o] = tuple(as_tensor_variable(d) for d in s)
        except (MethodNotDefined, NotImplementedError, TypeError, ValueError):
            return None
        if var not in known:
            return None
        result = known[var]
        # an expression that uses an inner variable (a value, not a shape) is no use outside
        inner_vars = set(self.inner_inputs)
        inner_nodes = set(io_toposort(self.inner_inputs, self.inner_outputs))
        for v in ancestors(list(result)):
            if v in inner_vars or (v.owner is not None and v.owner in inner_nodes):
                return None
        return result

    # -- gradient --------------------------------------------------------------------------------
    def numba_graph_code(self, node, k, ins, outs, mod):
        """Lines running this loop inside a whole-graph function of the native backend
        (``theano.link.numba.graph.graph_def``): the inner graph and the step loop of its
        ``_NumbaLoop`` become functions of the module ``mod``, and the lines make the buffers as
        ``perform`` does, call the loop and hand out its outputs; None where the loop is not one
        that every call runs compiled (libm-heavy or product steps, where ``_NumbaLoop.run``
        decides by shapes; untraced states; in place). A call the compiled code cannot run as
        ``perform`` would (no steps, a wrong length, a step of the wrong shape) raises, and the
        whole-graph tier runs the call on the per-node code, which raises or runs it there."""
        from theano.link.numba.graph import _dtype_expr, graph_def

        if self.inplace:
            return None
        nb = self._numba_loop()
        if not nb or not getattr(nb, "always", False):
            return None
        gname = mod.fresh("_scan_graph")
        built = graph_def(nb.fgraph, nb.nodes, gname, mod, scalar=nb.scalar)
        if built is None:
            return None
        glines, gconsts = built
        loop = mod.fresh("scan_loop")
        mod.defs.extend(glines)
        mod.defs.extend(_NumbaLoop._loop_source(self, gconsts, gname[1:], loop, nb.scalar))
        p = f"_s{k}"
        n, t0 = f"{p}n", f"{p}t0"
        lines = [f"{n} = np.int64({ins[0]}[()])", f"{t0} = np.int64({ins[1]}[()])",
                 f"if {n} <= 0 or {t0} < 0:",
                 "    raise ValueError('scan: no steps or a negative start')"]
        init_at, a0, u0, ns0, spans, out_buffers = self._layout()
        args = [n, t0]
        for i, b in enumerate(self.buffers):
            if b.init == "none":
                continue
            x, buf = ins[init_at[i]], f"{p}b{i}"
            need = f"{t0} + {n} + {spans[i]}"
            if b.init == "full":
                lines += [f"if {x}.shape[0] < {need}:",
                          "    raise ValueError('scan: a sequence is too short')"]
                lines.append(f"{buf} = {x}.copy()" if b.writes else f"{buf} = {x}")
            else:
                h = b.head
                if b.keep:
                    lines += [f"if {t0} != 0:",
                              "    raise ValueError('scan: a kept buffer needs a start at 0')"]
                    need = str(b.keep)
                lines += [f"if {x}.shape[0] != {h}:",
                          "    raise ValueError('scan: wrong number of initial rows')",
                          f"{buf} = np.zeros(({need},) + {x}.shape[1:], "
                          f"dtype={_dtype_expr(self.elem_types[i].dtype)})",
                          f"{buf}[:{h}] = {x}"]
            args.append(buf)
        for j in range(self.n_acc):
            lines.append(f"{p}a{j} = np.copy({ins[a0 + j]})")
            args.append(f"{p}a{j}")
        args += ins[ns0:]
        args += gconsts
        lines.append(f"{p}st, {p}done, {p}new = {loop}({', '.join(args)})")
        lines += [f"if {p}st != 0:", "    raise ValueError('scan: a step of the wrong shape')"]
        none_pos = {i: q for q, i in enumerate(i for i, b in enumerate(self.buffers)
                                               if b.init == "none")}
        o = 0
        for i in out_buffers:
            b = self.buffers[i]
            src = f"{p}new[{none_pos[i]}]" if i in none_pos else f"{p}b{i}"
            if self.as_while and b.init != "full":
                lines += [f"{outs[o]} = {src}",
                          f"if {p}done < {n}:",
                          f"    {outs[o]} = {src}[:{t0} + {p}done + {spans[i]}]"]
            elif b.keep:        # fewer steps than kept rows: only the rows written
                lines += [f"{outs[o]} = {src}[max(0, {b.keep} - ({t0} + {n} + {spans[i]})):]"]
            else:
                lines.append(f"{outs[o]} = {src}")
            o += 1
        for j in range(self.n_acc):
            lines.append(f"{outs[o]} = {p}a{j}")
            o += 1
        if outs[o] not in mod.unread:       # the number of steps run
            lines += [f"{outs[o]} = np.empty((), dtype=np.int64)", f"{outs[o]}[()] = {p}done"]
        return lines

    def output_dependencies(self):
        """Per outer output (of a node without ``record_untraced``'s extra outputs, which depend
        as their states do), the set of outer input positions its values depend on, as Theano
        1.0's connection pattern: through the inner graph, over all steps. A written buffer
        depends on its own initial value only through what the loop reads of it ('head' rows
        are handed back as given), except a 'full' buffer, to which the writes are added; an
        accumulator depends on its initial value; the number of steps and the stop condition
        connect nothing."""
        deps = self.__dict__.get("_deps")
        if deps is not None:
            return deps
        init_at, a0, u0, ns0, _spans, out_buffers = self._layout()
        # per inner variable, a bit set of the inner inputs it depends on
        bits = {v: 1 << i for i, v in enumerate(self.inner_inputs)}
        for n in io_toposort(self.inner_inputs, self.inner_outputs):
            m = 0
            for v in n.inputs:
                m |= bits.get(v, 0)
            for o in n.outputs:
                bits[o] = m
        out_bits = [bits.get(v, 0) for v in self.inner_outputs]
        # the channel (buffer, accumulator or untraced state) each inner input reads
        source = [None] * len(self.inner_inputs)
        for k, pos in enumerate(self._read_pos):
            for p in pos:
                source[p] = ("buf", k)
        for j in range(self.n_untraced):
            source[self._n_reads + j] = ("unt", j)
        dep = {}
        for k, b in enumerate(self.buffers):
            dep[("buf", k)] = {init_at[k]} if b.init == "full" or not b.writes else set()
        for j in range(self.n_acc):
            dep[("acc", j)] = {a0 + j}
        for j in range(self.n_untraced):
            dep[("unt", j)] = set()
        for j in range(self.n_nonseq):
            source[self._n_reads + self.n_untraced + j] = ("ns", j)
            dep[("ns", j)] = {ns0 + j}
        # what a read sees at the first steps: the channel's initial value
        first = {("buf", k): {init_at[k]} for k in init_at}
        first.update({("unt", j): {u0 + j} for j in range(self.n_untraced)})
        n_w = self._n_writes
        writers = []   # (channel, inner output position)
        for k, pos in enumerate(self._write_pos):
            writers.extend((("buf", k), p) for p in pos)
        writers.extend((("acc", j), n_w + j) for j in range(self.n_acc))
        writers.extend((("unt", j), n_w + self.n_acc + j) for j in range(self.n_untraced))
        reads_of = [[i for i in range(len(source)) if out_bits[p] >> i & 1] for _c, p in writers]
        changed = True
        while changed:
            changed = False
            for (c, _p), reads in zip(writers, reads_of):
                new = set(dep[c])
                for i in reads:
                    c_in = source[i]
                    new |= dep[c_in]
                    new |= first.get(c_in, set())
                if new != dep[c]:
                    dep[c] = new
                    changed = True
        deps = [frozenset(dep[("buf", k)]) for k in out_buffers]
        deps += [frozenset(dep[("acc", j)]) for j in range(self.n_acc)]
        deps += [frozenset(dep[("unt", j)]) for j in range(self.n_untraced)]
        self.__dict__["_deps"] = deps
        return deps

    def connection_pattern(self, node):
        deps = self.output_dependencies()
        per_out = list(deps)
        if self.record_untraced:
            per_out += deps[len(deps) - self.n_untraced:]
        per_out.append(frozenset())   # the number of steps run
        return [[k in d for d in per_out] for k in range(len(node.inputs))]

    def L_op(self, inputs, outputs, output_grads):
        from theano.scan.grad import scan_grad

        if any(b.keep for b in self.buffers):
            raise NotImplementedError(
                "scan: this loop keeps only the last rows of a state (a compiled graph's "
                "scan_save_mem): differentiate the graph before compiling it")
        return scan_grad(self, inputs, outputs, output_grads)


class _NumbaLoop:
    """A Scan's steps as one Numba function: the inner graph (``link/numba/graph.py``) called
    from a loop that reads rows of the buffers, checks the shapes of what each step returns and
    writes it, all in compiled code::

        def _scan_loop(n, t0, b0, b1, a0, s0, c0):
            tlast = t0 + n - 1
            t = t0
            r = graph(b0[t + 0], np.array(b1[t + 0]), s0, c0)
            b2 = np.zeros((t0 + n + 0,) + r[0].shape, dtype=np.float64)   # a 'none' buffer
            done = n
            for s in range(n):
                t = t0 + s
                if s > 0:
                    r = graph(...)
                if r[0].shape != b2.shape[1:]:
                    return (1, s, b2)        # perform re-runs step s to raise the error
                b2[t + 0] = r[0]
                a0 += r[1]
            return (0, done, b2)

    Built for an op whose inner function runs on the native backend (``numba__whole_graph`` on),
    whose buffers are all tensors, with no untraced states, and whose inner graph Numba can
    express. A call runs it when the libm functions of its elementwise loops cost, at the sizes
    the inner inputs' shapes give them, less than the per-node calls it saves (a microsecond per
    node and step); a node whose per-node code runs its Numba kernel at that size anyway costs
    nothing more here. Otherwise the call runs the Python loop. Shapes only decide: the same
    inputs take the same path at every call. Numba refusing the argument types falls back to the Python
    loop for good; an error at run time re-runs the call on the Python loop (which raises it with
    its node), unless the loop wrote into an input in place, where it is raised as it is.
    """

    def __init__(self, op, module, consts, n_nodes, penalty, flops, checked, out_dtypes):
        self.op = op
        self.loop = module.scan_loop
        self.graph = module.graph
        self.consts = tuple(consts)
        self.n_nodes = n_nodes
        self.penalty = penalty      # function of the inner inputs' shapes (ns per step), or None
        self.flops = flops          # function of the inner inputs' shapes (products per step)
        self.checked = checked      # function of the inner inputs: the largest elementwise input
        self.out_dtypes = out_dtypes
        self.dtypes_ok = False
        self.decided = {}           # shapes of the inner inputs: whether such a call runs here
        self.read_bufs = [k for k, b in enumerate(op.buffers) for _ in b.reads]
        self.given_bufs = [k for k, b in enumerate(op.buffers) if b.init != "none"]
        self.none_bufs = [k for k, b in enumerate(op.buffers) if b.init == "none"]
        from theano.configdefaults import config
        from theano.link import blas_threads

        self.max_size = int(config.numba__whole_graph_max_size)
        self.limit = blas_threads.limit() if flops is not None else 0
        self.low = blas_threads.ALWAYS_ONE_THREAD_BELOW

    @classmethod
    def build(cls, op):
        from theano.configdefaults import config

        if not config.numba__whole_graph or config.numba__whole_graph_max_size <= 0:
            return None
        if op.n_untraced or op.record_untraced:
            return None
        if not all(isinstance(t, TensorType) for t in op.elem_types):
            return None
        op._compiled()
        maker = op.__dict__.get("_maker")
        if maker is None:   # the thunk was handed over by a rewrite: compile to see the graph
            from theano.compile.function import function

            maker = function(op.inner_inputs, op.inner_outputs, mode=op.mode,
                             on_unused_input="ignore", trust_input=True).maker
        if getattr(maker.linker, "name", None) != "numba" or maker.profile is not None:
            return None
        fg = maker.fgraph
        if len(fg.inputs) != len(op.inner_inputs) or len(fg.outputs) != len(op.inner_outputs):
            return None
        from theano.link.numba import graph as whole

        nodes = fg.toposort()
        if len(nodes) > whole.MAX_NODES or not all(isinstance(getattr(v.type, "dtype", None), str)
                                                   for v in fg.inputs + fg.outputs):
            return None
        scalar = whole.scalar_graph(fg, nodes)
        mod = whole.Module()
        mod.checked_casts = not op.inplace
        built = whole.graph_def(fg, nodes, "_graph", mod, scalar=scalar)
        if built is None:
            return None
        consts = mod.consts
        source = mod.source(built[0] + cls._loop_source(op, built[1], scalar=scalar))
        from theano.link.numba.cache import load_module

        try:
            module = load_module(source)
        except Exception:
            return None
        n_in = len(fg.inputs)
        params = ", ".join(f"i{k}" for k in range(n_in))
        penalty = terms = whole._libm_penalty(fg, nodes, cls._kernel_upto(maker.thunk))
        if penalty is not None:
            penalty = eval(f"lambda {params}: {' + '.join(penalty) or '0.0'}")
        flops = flop_terms = whole._product_flops(fg, nodes)
        # the largest product of a step (see run)
        flops = eval(f"lambda {params}: max(({', '.join(flops)}, ))") if flops else None
        fed = [f"i{k}.size" for k, v in enumerate(fg.inputs)
               if v.ndim > 0 and whole._feeds_elementwise(fg, v)]
        checked = eval(f"lambda {params}: max(({', '.join(fed)}, 0))") if fed else None
        out_dtypes = [np.dtype(v.dtype) for v in fg.outputs]
        nb = cls(op, module, consts, len(nodes), penalty, flops, checked, out_dtypes)
        nb.scalar = scalar
        if scalar:              # scalars of the declared dtypes by construction
            nb.dtypes_ok = True
        # a loop that every call runs compiled, whatever the shapes (no product, and a libm
        # penalty that does not depend on them and is small: see run) can be part of an outer whole-graph function
        nb.always = (terms is not None and not flop_terms and not any(".shape" in t for t in terms)
                     and nb._decide([np.zeros(0)] * n_in))
        nb.fgraph, nb.nodes = fg, nodes
        return nb

    @staticmethod
    def _kernel_upto(thunk):
        """{node: the largest size at which the inner function's per-node code runs the node's
        Numba kernel} (from the paths fixed when it was compiled: 'kernel', 'kernel below N
        elements, else ...'): the loop costs no more there than the per-node code."""
        import math
        import re

        upto = {}
        for node, label in getattr(thunk, "node_paths", None) or ():
            label = str(label)
            m = re.match(r"kernel below (\d+) elements", label)
            if m:
                upto[node] = int(m.group(1))
            elif label == "kernel" or label.startswith("kernel ("):
                upto[node] = math.inf
        return upto

    @staticmethod
    def _loop_source(op, const_names, graph="graph", loop="scan_loop", scalar=False):
        """Lines of ``def _<loop>(...)`` calling the inner graph function ``graph`` (whose
        constant arguments are ``const_names``) and of ``<loop> = numba.njit(...)(_<loop>)``.
        ``scalar``: ``graph`` takes and returns scalars (``graph.scalar_graph``)."""
        from theano.link.numba.graph import _dtype_expr

        lines = ["", ""]
        params = ["n", "t0"]
        params += [f"b{k}" for k, b in enumerate(op.buffers) if b.init != "none"]
        params += [f"a{j}" for j in range(op.n_acc)]
        params += [f"s{j}" for j in range(op.n_nonseq)]
        params += list(const_names)
        add = lines.append
        add(f"def _{loop}({', '.join(params)}):")
        args = []
        for k, b in enumerate(op.buffers):
            for a in b.reads:
                row = f"(t + {a}) % {b.keep}" if b.keep else f"t + {a}"
                if op.elem_types[k].ndim == 0 and not scalar:
                    args.append(f"np.array(b{k}[{row}])")
                else:
                    args.append(f"b{k}[{row}]")
        args += [f"s{j}[()]" if scalar else f"s{j}" for j in range(op.n_nonseq)]
        args += list(const_names)
        call = f"{graph}({', '.join(args)})"
        t_of_s = "tlast - s" if op.reverse else "t0 + s"
        add("    tlast = t0 + n - 1")
        add("    s = 0")
        add(f"    t = {t_of_s}")
        add(f"    r = {call}")
        none_bufs = [k for k, b in enumerate(op.buffers) if b.init == "none"]
        for k in none_bufs:
            b = op.buffers[k]
            pos = op._write_pos[k][0]
            row = "()" if scalar else f"r[{pos}].shape"
            add(f"    b{k} = np.zeros((t0 + n + {b.span},) + {row}, "
                f"dtype={_dtype_expr(op.elem_types[k].dtype)})")
        ret_bufs = "".join(f"b{k}, " for k in none_bufs)
        add("    done = n")
        add("    for s in range(n):")
        add(f"        t = {t_of_s}")
        add("        if s > 0:")
        add(f"            r = {call}")
        n_w = op._n_writes
        if not scalar:      # (scalars: every shape is ())
            for k, b in enumerate(op.buffers):
                for pos in op._write_pos[k]:
                    add(f"        if r[{pos}].shape != b{k}.shape[1:]:")
                    add(f"            return (1, s, ({ret_bufs}))")
            for j in range(op.n_acc):
                add(f"        if r[{n_w + j}].shape != a{j}.shape:")
                add(f"            return (1, s, ({ret_bufs}))")
        item = "" if scalar else "[()]"
        for k, b in enumerate(op.buffers):
            nd0 = op.elem_types[k].ndim == 0
            for w, pos in zip(b.writes, op._write_pos[k]):
                val = f"r[{pos}]{item}" if nd0 else f"r[{pos}]"
                if b.init == "full":
                    if nd0:
                        add(f"        b{k}[t + {w}] += {val}")
                    else:
                        add(f"        row = b{k}[t + {w}]")
                        add(f"        row += {val}")
                elif b.keep:
                    add(f"        b{k}[(t + {w}) % {b.keep}] = {val}")
                else:
                    add(f"        b{k}[t + {w}] = {val}")
        for j in range(op.n_acc):
            if op.inner_outputs[n_w + j].type.ndim == 0:
                add(f"        a{j}[()] += r[{n_w + j}]{item}")
            else:
                add(f"        a{j} += r[{n_w + j}]")
        if op.as_while:
            add(f"        if r[{len(op.inner_outputs) - 1}]{item}:")
            add("            done = s + 1")
            add("            break")
        for k, b in enumerate(op.buffers):
            if b.keep:      # the kept rows in order, the last written one last
                add("    if n > 0:")
                add(f"        sh = (t0 + n + {max(b.writes)}) % {b.keep}")
                add(f"        tmp = b{k}.copy()")
                add(f"        for j in range({b.keep}):")
                add(f"            b{k}[j] = tmp[(j + sh) % {b.keep}]")
        add(f"    return (0, done, ({ret_bufs}))")
        lines += ["", "", f"{loop} = numba.njit(cache=True, error_model='numpy', nogil=True)(_{loop})"]
        return lines

    def _step_args(self, bufs, nonseqs, t0, n, s):
        op = self.op
        t = t0 + n - 1 - s if op.reverse else t0 + s
        args = []
        for k, b in enumerate(op.buffers):
            for a in b.reads:
                args.append(bufs[k][(t + a) % b.keep if b.keep else t + a, ...])
        return args + list(nonseqs)

    def run(self, op, fn, bufs, accs, nonseqs, t0, n):
        """Run the loop into ``bufs``/``accs`` (filling 'none' buffers); the number of steps run,
        None where this call belongs on the Python loop (nothing written), -1 where it failed
        after writing (the Python loop runs it again from fresh buffers)."""
        key = tuple([bufs[k].shape for k in self.read_bufs] + [a.shape for a in nonseqs])
        use = self.decided.get(key)
        if use is None:
            first = self._step_args(bufs, nonseqs, t0, n, 0)
            use = self._decide(first)
            if use and self.limit:
                flops = self.flops(*first)
                if flops >= self.limit:
                    # a product big enough for every BLAS thread: the per-node code, whose
                    # products use them
                    use = False
                elif flops >= self.low:
                    # BLAS has several threads here and small products that would wake them:
                    # the compiled loop runs with BLAS on one thread (link/blas_threads.py), as
                    # the per-node code runs each such product (an LSTM step: 3 times faster
                    # than the per-node loop on a busy 2-core machine)
                    use = "one thread"
            self.decided[key] = use
        if not use:
            return None
        if not self.dtypes_ok:
            first = self._step_args(bufs, nonseqs, t0, n, 0)
            try:
                outs = self.graph(*first, *self.consts)
            except Exception:
                return None
            if [o.dtype for o in outs] != self.out_dtypes:
                op._nb = False
                return None
            self.dtypes_ok = True
        args = [n, t0]
        args += [bufs[k] for k in self.given_bufs]
        args += accs
        args += nonseqs
        args += self.consts
        try:
            if use == "one thread":
                from theano.link import blas_threads

                status, done, new = blas_threads.one_thread(self.loop, *args)
            else:
                status, done, new = self.loop(*args)
        except Exception as exc:
            from theano.link.numba.graph import _is_numba_error

            if _is_numba_error(exc):
                op._nb = False          # numba refuses these types: the Python loop from now on
                return None
            if op.inplace:
                raise
            return -1                   # the Python loop, from the start, raises it with its node
        for k, buf in zip(self.none_bufs, new):
            bufs[k] = buf
        if status:
            self._raise_step_error(fn, bufs, accs, nonseqs, t0, n, done)
        return done

    def _decide(self, first):
        """Whether a call whose inner inputs have the shapes of ``first`` runs here (the
        whole-graph tier's rule): elementwise inputs small, libm penalty below the per-node calls
        saved (about a microsecond per node and step); unknown sizes of libm loops: no."""
        if self.penalty is None:
            return False
        from theano.link.numba.graph import PER_NODE_NS

        return self.penalty(*first) <= PER_NODE_NS * (self.n_nodes + 2)

    def _raise_step_error(self, fn, bufs, accs, nonseqs, t0, n, s):
        """Step ``s`` returned a value of the wrong shape: run it again in Python for the error."""
        op = self.op
        outs = fn(self._step_args(bufs, nonseqs, t0, n, s))
        pos = 0
        for k, b in enumerate(op.buffers):
            for _ in b.writes:
                _check_row(op, s, k, outs[pos], bufs[k].shape[1:])
                pos += 1
        for j, a in enumerate(accs):
            _check_acc(j, outs[op._n_writes + j], a.shape)
        raise ValueError(f"scan: step {s} returned a value of the wrong shape")
