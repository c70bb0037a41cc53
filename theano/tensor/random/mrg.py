"""The MRG31k3p generator of Theano's ``MRG_RandomStreams``: the same numbers as Theano 1.0.

MRG31k3p (P. L'Ecuyer and R. Touzin, Winter Simulation Conference 2000) combines two multiple
recursive generators of order 3::

    x1[n] = (2**22 * x1[n-2] + (2**7 + 1) * x1[n-3]) mod m1,   m1 = 2**31 - 1
    x2[n] = (2**15 * x2[n-1] + (2**15 + 1) * x2[n-3]) mod m2,  m2 = 2**31 - 21069
    z[n]  = (x1[n] - x2[n]) mod m1, with m1 in place of 0

A state is six int32 numbers ``(x1[n-1], x1[n-2], x1[n-3], x2[n-1], x2[n-2], x2[n-3])``. As in
L'Ecuyer, Simard, Chen and Kelton's streams package (Operations Research 50(6), 2002), and as in
Theano, the states of parallel streams are 2**72 steps apart (``ff_2p72``) and each new random
variable starts 2**134 steps after the previous one (``ff_2p134``). A draw of ``n`` numbers from
``k`` streams takes number ``i`` from stream ``i % k``; the streams' states advance in place.

The uniform of a draw is ``z * 2**-31`` in float64 and ``float32(z) * float32(4.6566126e-10)`` in
float32 (the largest factor that keeps ``z = m1`` below 1 in float32), as Theano's C code computed
them, so both lie in the open interval (0, 1) and equal Theano's bit for bit.

``MultinomialFromUniform`` and ``ChoiceFromUniform`` turn such uniforms into categorical draws the
way Theano's ``theano.sandbox.multinomial`` did, so ``MRG_RandomStreams.multinomial`` and
``.choice`` give Theano's draws too.
"""

import numpy as np

from theano.graph.basic import Apply, Constant
from theano.graph.null_type import grad_undefined
from theano.graph.op import Op
from theano.tensor.basic import as_tensor_variable, cast
from theano.tensor.random.op import _static_ones, normalize_size, size_entries
from theano.tensor.type import TensorType

M1 = 2 ** 31 - 1
M2 = 2 ** 31 - 21069

# One step of each component as a 3x3 matrix acting on (x[n-1], x[n-2], x[n-3]).
_STEP1 = ((0, 2 ** 22, 2 ** 7 + 1), (1, 0, 0), (0, 1, 0))
_STEP2 = ((2 ** 15, 0, 2 ** 15 + 1), (1, 0, 0), (0, 1, 0))


def _matmul_mod(a, b, m):
    """(a @ b) mod m for 3x3 matrices of Python ints (exact)."""
    return tuple(tuple(sum(a[i][k] * b[k][j] for k in range(3)) % m for j in range(3))
                 for i in range(3))


def jump_matrix(component, log2_steps):
    """The matrix that advances component 1 or 2 by ``2**log2_steps`` steps (mod its modulus),
    by squaring the one-step matrix ``log2_steps`` times."""
    a, m = (_STEP1, M1) if component == 1 else (_STEP2, M2)
    for _ in range(log2_steps):
        a = _matmul_mod(a, a, m)
    return np.array(a, dtype="int64")


A1p72, A2p72 = jump_matrix(1, 72), jump_matrix(2, 72)
A1p134, A2p134 = jump_matrix(1, 134), jump_matrix(2, 134)


def _matvec_mod(a, s, m):
    """(a @ s) mod m for int64 matrices ``a`` (3x3) and ``s`` (3,) or (3, k), entries < 2**31:
    every product is reduced before the sum, so nothing overflows int64."""
    s = np.asarray(s, dtype="int64")
    if s.ndim == 1:
        return (a * s[None, :] % m).sum(axis=1) % m
    return ((a[:, :, None] * s[None, :, :]) % m).sum(axis=1) % m


def matVecModM(A, s, m):
    """Theano's helper: ``(A @ s) mod m`` as int32, exact for entries below 2**31."""
    return _matvec_mod(np.asarray(A, dtype="int64"), s, int(m)).astype("int32")


def multMatVect(v, A, m1, B, m2):
    """Theano's helper: the first three numbers of the state ``v`` times ``A`` mod ``m1`` and the
    last three times ``B`` mod ``m2``, as an int32 vector of 6."""
    v = np.asarray(v, dtype="int64").reshape(6)
    out = np.concatenate([_matvec_mod(np.asarray(A, dtype="int64"), v[:3], int(m1)),
                          _matvec_mod(np.asarray(B, dtype="int64"), v[3:], int(m2))])
    return out.astype("int32")


def ff_2p72(rstate):
    """The state 2**72 steps after ``rstate`` (the next substream)."""
    return multMatVect(rstate, A1p72, M1, A2p72, M2)


def ff_2p134(rstate):
    """The state 2**134 steps after ``rstate`` (the next stream)."""
    return multMatVect(rstate, A1p134, M1, A2p134, M2)


def substream_states(rstate, n_streams):
    """``n_streams`` states, each 2**72 steps after the previous, the first being ``rstate``:
    an int32 (n_streams, 6) matrix. Computed by doubling (rows [k, 2k) are rows [0, k) moved
    k * 2**72 steps), so it costs log2(n_streams) vectorized steps."""
    n_streams = int(n_streams)
    if n_streams < 1:
        raise ValueError(f"MRG_RandomStreams: the number of streams must be >= 1, got {n_streams}")
    out = np.empty((n_streams, 6), dtype="int64")
    out[0] = np.asarray(rstate, dtype="int64").reshape(6)
    done = 1
    j1 = [[int(x) for x in r] for r in A1p72]
    j2 = [[int(x) for x in r] for r in A2p72]
    while done < n_streams:
        take = min(done, n_streams - done)
        block = out[:take].T                        # (6, take)
        out[done:done + take, :3] = _matvec_mod(np.array(j1, dtype="int64"), block[:3], M1).T
        out[done:done + take, 3:] = _matvec_mod(np.array(j2, dtype="int64"), block[3:], M2).T
        done += take
        j1 = _matmul_mod(j1, j1, M1)                # now moves 2 * done_before * 2**72 steps
        j2 = _matmul_mod(j2, j2, M2)
    return out.astype("int32")


def _next(states):
    """Advance every row of the int64 (k, 6) ``states`` one step in place; return the k outputs
    z in [1, m1]."""
    y1 = (2 ** 22 * states[:, 1] + (2 ** 7 + 1) * states[:, 2]) % M1
    y2 = (2 ** 15 * states[:, 3] + (2 ** 15 + 1) * states[:, 5]) % M2
    states[:, 2] = states[:, 1]
    states[:, 1] = states[:, 0]
    states[:, 0] = y1
    states[:, 5] = states[:, 4]
    states[:, 4] = states[:, 3]
    states[:, 3] = y2
    return np.where(y1 <= y2, y1 - y2 + M1, y1 - y2)


_F32_NORM = np.float32(4.6566126e-10)
_F16_NORM = float(np.float16(3.0458e-05))


def _to_unit(z, dtype):
    """The uniforms in (0, 1) of the integers ``z`` in [1, m1], as Theano computed them."""
    if dtype == "float64":
        return z * 2.0 ** -31                       # exact
    if dtype == "float32":
        return z.astype("float32") * _F32_NORM      # the product rounded in float32
    if dtype == "float16":
        return (((z & 0x7FFF) + 1) * _F16_NORM).astype("float16")
    raise TypeError(f"mrg_uniform: unsupported dtype {dtype}")


def mrg_draw(rstate, n_elements, dtype):
    """``n_elements`` uniforms of ``dtype`` from the streams whose states are the rows of the int32
    matrix ``rstate``; returns ``(new_states, samples)``. Number ``i`` comes from stream
    ``i % n_streams``."""
    states = np.array(rstate, dtype="int64")
    n_streams = states.shape[0]
    out = np.empty(n_elements, dtype=dtype)
    if n_elements and not n_streams:
        raise ValueError("mrg_uniform: the state has no stream (0 rows)")
    start = 0
    while start < n_elements:
        k = min(n_streams, n_elements - start)
        if k == n_streams:
            z = _next(states)
        else:
            part = states[:k]
            z = _next(part)
            states[:k] = part
        out[start:start + k] = _to_unit(z, dtype)
        start += k
    return states.astype("int32"), out


class mrg_uniform(Op):
    """``(rstate, size) -> (new_rstate, uniforms of shape size)`` with the MRG31k3p streams whose
    states are the rows of the int32 (streams, 6) matrix ``rstate`` (Theano's op of this name).
    The sample's dtype is that of ``output_type`` (float16, float32 or float64)."""

    __props__ = ("output_type", "inplace")

    def __init__(self, output_type, inplace=False):
        if output_type.dtype not in ("float16", "float32", "float64"):
            raise TypeError(f"mrg_uniform: the output dtype must be float16, float32 or float64, "
                            f"got {output_type.dtype}")
        self.output_type = output_type
        self.inplace = bool(inplace)
        if self.inplace:
            self.destroy_map = {0: [0]}

    def __str__(self):
        return f"mrg_uniform{{{self.output_type},{'inplace' if self.inplace else 'no_inplace'}}}"

    @classmethod
    def new(cls, rstate, ndim, dtype, size):
        """Apply the op for samples of ``dtype`` and shape ``size`` (a tuple or an integer vector;
        ``ndim`` its length when it cannot be read from the graph): ``[new_rstate, sample]``."""
        vec, length = normalize_size(size, ndim=ndim)
        op = cls(TensorType(dtype, (False,) * length))
        return op(rstate, vec, return_list=True)

    def make_node(self, rstate, size):
        rstate = as_tensor_variable(rstate)
        if rstate.ndim != 2 or rstate.dtype != "int32":
            raise TypeError(f"{self}: the state must be an int32 matrix with 6 columns (one row per "
                            f"stream), got {rstate} ({rstate.type})")
        ndim = self.output_type.ndim
        size, length = normalize_size(size, ndim=ndim)
        if length != ndim:
            raise ValueError(f"{self}: size has {length} entries, the output {ndim} dimensions")
        out = TensorType(self.output_type.dtype, _static_ones(size, length))()
        return Apply(self, [rstate, size], [rstate.type(), out])

    def checked_draw(self, rstate, size):
        """The shape and the number of numbers of a draw of ``size`` from the state ``rstate``
        (a NumPy array), checked as every backend checks them (ValueError)."""
        shape = tuple(int(s) for s in np.asarray(size).reshape(-1))
        if any(s < 0 for s in shape):
            raise ValueError(f"{self}: size {shape} has a negative entry")
        n = int(np.prod(shape, dtype=object)) if shape else 1
        if n > M1:
            raise ValueError(f"{self}: {n} samples asked; MRG_RandomStreams draws at most 2**31 - 1 "
                             "numbers at once")
        if rstate.ndim != 2 or rstate.shape[1] != 6:
            raise ValueError(f"{self}: the state must have 6 columns, got shape {rstate.shape}")
        if n and not rstate.shape[0]:
            raise ValueError(f"{self}: the state has no stream (0 rows)")
        return shape, n

    def perform(self, node, inputs, outputs):
        rstate, size = inputs
        shape, n = self.checked_draw(rstate, size)
        new_state, sample = mrg_draw(rstate, n, self.output_type.dtype)
        if self.inplace:
            rstate[...] = new_state
            new_state = rstate
        outputs[0][0] = new_state
        outputs[1][0] = sample.reshape(shape)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0], tuple(size_entries(node.inputs[1], self.output_type.ndim))]

    def grad(self, inputs, output_grads):
        return [grad_undefined(self, k, inp, "No gradient defined through random sampling op")
                for k, inp in enumerate(inputs)]

    def R_op(self, inputs, eval_points):
        return [None, None]


class DotModulo(Op):
    """``(A, s, m, A2, s2, m2) -> concatenate(A @ s mod m, A2 @ s2 mod m2)``, exact for entries
    below 2**31 (Theano's op for jumping MRG states)."""

    __props__ = ()

    def make_node(self, A, s, m, A2, s2, m2):
        ins = [as_tensor_variable(v) for v in (A, s, m, A2, s2, m2)]
        for v, nd in zip(ins, (2, 1, 0, 2, 1, 0)):
            if v.ndim != nd or not v.dtype.startswith(("int", "uint")):
                raise TypeError(f"DotModulo: expected an integer tensor of {nd} dimensions, got "
                                f"{v} ({v.type})")
        return Apply(self, ins, [ins[1].type()])

    def perform(self, node, inputs, outputs):
        A, s, m, A2, s2, m2 = inputs
        if A.shape[1] != s.shape[0] or A2.shape[1] != s2.shape[0]:
            raise ValueError(f"DotModulo: shapes {A.shape} and {s.shape}, {A2.shape} and {s2.shape} "
                             "do not agree")
        a = np.asarray(A, dtype="int64")
        a2 = np.asarray(A2, dtype="int64")
        o1 = ((a * np.asarray(s, dtype="int64")[None, :]) % int(m)).sum(axis=1) % int(m)
        o2 = ((a2 * np.asarray(s2, dtype="int64")[None, :]) % int(m2)).sum(axis=1) % int(m2)
        outputs[0][0] = np.concatenate([o1, o2]).astype(node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [(input_shapes[0][0] + input_shapes[3][0],)]


class MultinomialFromUniform(Op):
    """``(pvals, unis, n) -> counts``: for each row ``r`` of ``pvals`` and each of the ``n`` draws
    ``c``, the outcome is the first ``m`` whose running sum of probabilities exceeds
    ``unis[c * rows + r]`` (a uniform that exceeds the whole sum counts nothing). Output: the
    counts, of ``pvals``'s shape (Theano's op of this name)."""

    __props__ = ("odtype",)

    def __init__(self, odtype):
        self.odtype = odtype

    def __str__(self):
        return f"{type(self).__name__}{{{self.odtype}}}"

    def _out_dtype(self, pvals):
        return pvals.dtype if self.odtype == "auto" else str(np.dtype(self.odtype))

    def make_node(self, pvals, unis, n=1):
        pvals = as_tensor_variable(pvals)
        unis = as_tensor_variable(unis)
        n = as_tensor_variable(n)
        if pvals.ndim != 2:
            raise NotImplementedError(f"{self}: pvals must be a matrix, got {pvals.ndim} dims")
        if unis.ndim != 1:
            raise NotImplementedError(f"{self}: unis must be a vector, got {unis.ndim} dims")
        if n.ndim != 0 or not n.dtype.startswith(("int", "uint")):
            raise TypeError(f"{self}: n must be an integer scalar, got {n} ({n.type})")
        out = TensorType(self._out_dtype(pvals), pvals.broadcastable)()
        return Apply(self, [pvals, unis, n], [out])

    def _check(self, pvals, unis, n):
        if unis.shape[0] != pvals.shape[0] * n:
            raise ValueError(f"{self}: {unis.shape[0]} uniforms for {pvals.shape[0]} rows and "
                             f"{n} draws (need rows * draws)")

    def perform(self, node, inputs, outputs):
        pvals, unis, n = inputs
        n = int(n)
        self._check(pvals, unis, n)
        rows, cats = pvals.shape
        out = np.zeros((rows, cats), dtype=node.outputs[0].dtype)
        cums = np.cumsum(np.asarray(pvals, dtype="float64"), axis=1)
        for c in range(n):
            u = np.asarray(unis[c * rows:(c + 1) * rows], dtype="float64")
            for r in range(rows):
                m = int(np.searchsorted(cums[r], u[r], side="right"))   # first running sum > u
                if m < cats:
                    out[r, m] += 1
        outputs[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        return [grad_undefined(self, k, inp, "No gradient defined through random sampling op")
                for k, inp in enumerate(inputs)]


class ChoiceFromUniform(MultinomialFromUniform):
    """``(pvals, unis, n) -> indices`` of shape ``(rows, n)``: draw ``c`` of row ``r`` is the first
    outcome whose running sum exceeds ``unis[c * rows + r]``; without replacement a drawn outcome's
    probability becomes 0 and the row is renormalized (Theano's op of this name). An index that
    no uniform reached is -1."""

    __props__ = ("odtype", "replace")

    def __init__(self, odtype, replace=False):
        super().__init__(odtype)
        self.replace = bool(replace)

    def _out_dtype(self, pvals):
        return "int64" if self.odtype == "auto" else str(np.dtype(self.odtype))

    def make_node(self, pvals, unis, n=1):
        node = super().make_node(pvals, unis, n)
        pvals, _, n = node.inputs
        one_draw = isinstance(n, Constant) and int(np.asarray(n.data)) == 1
        out = TensorType(node.outputs[0].dtype, (pvals.broadcastable[0], one_draw))()
        return Apply(self, node.inputs, [out])

    def perform(self, node, inputs, outputs):
        pvals, unis, n = inputs
        n = int(n)
        rows, cats = pvals.shape
        if not self.replace and n > cats:
            raise ValueError(f"{self}: cannot draw {n} outcomes without replacement out of {cats}")
        self._check(pvals, unis, n)
        p = np.array(pvals)                            # renormalized in place: a copy
        out = np.full((rows, n), -1, dtype=node.outputs[0].dtype)
        for c in range(n):
            for r in range(rows):
                u = float(unis[c * rows + r])
                running = 0.0
                for m in range(cats):
                    running += float(p[r, m])
                    if running > u:
                        out[r, c] = m
                        if not self.replace and c < n - 1:
                            # the rest of the row's mass: the sum so far without p[m], then the
                            # tail after m, accumulated in pvals' dtype
                            total = p.dtype.type(running - p[r, m])
                            p[r, m] = 0
                            for k in range(m, cats):
                                total = p.dtype.type(total + p[r, k])
                            p[r] = p[r] / total
                        break
        outputs[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [(input_shapes[0][0], cast(node.inputs[2], "int64"))]
