"""Sliding-window patches of images: ``images2neibs`` and its inverse ``neibs2images``.

``images2neibs(ten4, neib_shape, neib_step=None, mode='valid')`` takes a (B, C, H, W) tensor and
returns a matrix with one row per patch, rows ordered by (batch, channel, patch row, patch
column), each row the patch flattened row by row. Modes:

- ``'valid'``: patches inside the image; the image must be covered exactly
  (``(H - rows) % row_step == 0``, same for columns), else a run-time error;
- ``'ignore_borders'``: the same, silently dropping rows/columns that do not fill a patch;
- ``'half'``: zero padding of ``rows // 2`` / ``cols // 2`` on each side first, then as
  ``'valid'`` (the padded image covered exactly);
- ``'full'``: zero padding of ``rows - 1`` / ``cols - 1`` on each side first, then as
  ``'valid'``;
- ``'wrap_centered'``: one patch centered on every ``neib_step``-th cell (``ceil(H / row_step)``
  patch rows), the image wrapping around at its borders; the patch sizes must be odd and at most
  the image's (a TypeError at run time otherwise, as in Theano 1.0).

Ops: ``Images2Neibs`` and its gradient ``Images2NeibsGrad`` (which also implements
``neibs2images``). Patch shape and step are op parameters: Python ints, or constant variables
(``T.as_tensor_variable((3, 3))``) whose values are read when the graph is built.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar import basic as ts
from theano.configdefaults import config
from theano.tensor.basic import as_tensor_variable, zeros_like
from theano.tensor.reshaping import shape_i
from theano.tensor.type import TensorType

__all__ = ["images2neibs", "neibs2images", "Images2Neibs", "Images2NeibsGrad"]

MODES = ("valid", "ignore_borders", "half", "full", "wrap_centered")


class NeibsShapeError(ValueError, TypeError):
    """Patches that do not fit the image: a ValueError, and the TypeError Theano 1.0 raised."""


def _constant_pair(value, name):
    """A pair given as a constant variable (a vector of two ints): its values."""
    from theano.graph.basic import Constant, Variable

    if isinstance(value, Variable):
        if not isinstance(value, Constant):
            raise TypeError(f"{name} must be Python ints or a constant (symbolic sizes are not "
                            f"supported), got the variable {value}")
        data = np.asarray(value.data)
        if data.shape != (2,) or data.dtype.kind not in "iu":
            raise ValueError(f"{name} must hold two ints, got {data!r}")
        return tuple(int(v) for v in data)
    if isinstance(value, np.ndarray):
        return tuple(value.tolist())
    return value


def _pair(value, name):
    value = _constant_pair(value, name)
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{name} must be a tuple of two ints, got {value!r}")
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{name} must hold Python ints (symbolic sizes are not supported), got "
                            f"{value!r}")
        if v < 1:
            raise ValueError(f"{name} entries must be >= 1, got {value!r}")
        out.append(int(v))
    return tuple(out)


class _NeibsBase(Op):
    __props__ = ("neib_shape", "neib_step", "mode")

    def __init__(self, neib_shape, neib_step=None, mode="valid"):
        if mode not in MODES:
            raise ValueError(f"images2neibs: mode must be one of {MODES}, got {mode!r}")
        self.neib_shape = _pair(neib_shape, "neib_shape")
        self.neib_step = _pair(neib_step if neib_step is not None else neib_shape, "neib_step")
        self.mode = mode

    def _pads(self):
        if self.mode == "half":
            return tuple(k // 2 for k in self.neib_shape)
        if self.mode == "full":
            return tuple(k - 1 for k in self.neib_shape)
        return (0, 0)

    def _grid(self, h, w, check=False):
        """Number of patch rows and columns for an image of h x w (ints or symbolic)."""
        if self.mode == "wrap_centered":
            if check:
                self._check_wrap(h, w)
            return tuple(-((-n) // s) for n, s in zip((h, w), self.neib_step))   # ceil(n / s)
        out = []
        for n, k, s, p, axis in zip((h, w), self.neib_shape, self.neib_step, self._pads(),
                                    ("rows", "columns")):
            span = n + 2 * p - k
            if check:
                if span < 0:
                    raise NeibsShapeError(
                        f"Images2Neibs: the patch ({k} {axis}) is larger than the "
                        f"{'padded ' if p else ''}image ({n + 2 * p} {axis})")
                if self.mode != "ignore_borders" and span % s:
                    padded = f" ({n + 2 * p} once padded)" if p else ""
                    raise NeibsShapeError(
                        f"Images2Neibs: in mode {self.mode!r} the patches must cover the image "
                        f"exactly, but {n} {axis}{padded} do not fit patches of {k} with step "
                        f"{s}; use mode 'ignore_borders' to drop the remainder")
            out.append(span // s + 1)
        return tuple(out)


    def _check_wrap(self, h, w):
        kr, kc = self.neib_shape
        if kr % 2 == 0 or kc % 2 == 0:
            raise TypeError(f"Images2Neibs: mode 'wrap_centered' needs odd patch sizes (a center "
                            f"cell), got {self.neib_shape}")
        if kr > h or kc > w:
            raise TypeError(f"Images2Neibs: in mode 'wrap_centered' the patch {self.neib_shape} "
                            f"must fit in the image ({h}, {w})")

    def _wrap_index(self, h, w):
        """Mode 'wrap_centered': the image rows (nr, kr) and columns (nc, kc) of each patch."""
        nr, nc = self._grid(h, w, check=True)
        (kr, kc), (sr, sc) = self.neib_shape, self.neib_step
        rows = (np.arange(nr)[:, None] * sr + np.arange(kr)[None, :] - kr // 2) % h
        cols = (np.arange(nc)[:, None] * sc + np.arange(kc)[None, :] - kc // 2) % w
        return rows, cols


def _wrap_cells(rows, cols):
    """Index arrays selecting (nr, nc, kr, kc) cells of the last two axes."""
    return rows[:, None, :, None], cols[None, :, None, :]


def _input4(x, who, name):
    x = as_tensor_variable(x)
    if x.ndim != 4:
        raise TypeError(f"{who}: {name} must be a 4-d tensor, got {x.ndim} dimensions ({x})")
    return x


class Images2Neibs(_NeibsBase):
    """(B, C, H, W) -> (B * C * patch_rows * patch_cols, rows * cols) matrix of patches."""

    def make_node(self, ten4):
        x = _input4(ten4, "images2neibs", "ten4")
        return Apply(self, [x], [TensorType(x.dtype, (False, False))()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        b, c, h, w = x.shape
        nr, nc = self._grid(h, w, check=True)
        if self.mode == "wrap_centered":
            r, cl = _wrap_cells(*self._wrap_index(h, w))
            win = x[:, :, r, cl]                    # (b, c, nr, nc, kr, kc), a copy
            output_storage[0][0] = win.reshape(b * c * nr * nc, -1)
            return
        ph, pw = self._pads()
        xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else x
        s = xp.strides
        kr, kc = self.neib_shape
        win = as_strided(xp, shape=(b, c, nr, nc, kr, kc),
                         strides=(s[0], s[1], s[2] * self.neib_step[0], s[3] * self.neib_step[1],
                                  s[2], s[3]), writeable=False)
        # np.array copies: the output must never share memory with the input
        output_storage[0][0] = np.array(win).reshape(b * c * nr * nc, kr * kc)

    def infer_shape(self, node, input_shapes):
        b, c, h, w = input_shapes[0]
        nr, nc = self._grid(h, w)
        return [(b * c * nr * nc, self.neib_shape[0] * self.neib_shape[1])]

    def L_op(self, inputs, outputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        if x.dtype in ts.discrete_dtypes:
            return [zeros_like(x, dtype=config.floatX)]
        grad_op = Images2NeibsGrad(self.neib_shape, self.neib_step, self.mode)
        return [grad_op(gz, *[shape_i(x, k) for k in range(4)])]

    def R_op(self, inputs, eval_points):
        return [None if eval_points[0] is None else self(eval_points[0])]


class Images2NeibsGrad(_NeibsBase):
    """``(neibs, B, C, H, W) -> (B, C, H, W)``: each patch row added back where it was taken from
    (the transpose of Images2Neibs; its inverse when patches neither overlap nor miss cells)."""

    def make_node(self, neibs, b, c, h, w):
        neibs = as_tensor_variable(neibs)
        if neibs.ndim != 2:
            raise TypeError(f"neibs2images: neibs must be a matrix, got {neibs.ndim} dimensions")
        sizes = []
        for name, v in zip("bchw", (b, c, h, w)):
            v = as_tensor_variable(v)
            if v.ndim != 0 or v.dtype not in ts.integer_dtypes:
                raise TypeError(f"neibs2images: the image size {name!r} must be an integer scalar, "
                                f"got {v.type}")
            sizes.append(v)
        return Apply(self, [neibs] + sizes, [TensorType(neibs.dtype, (False,) * 4)()])

    def perform(self, node, inputs, output_storage):
        g = inputs[0]
        b, c, h, w = (int(v) for v in inputs[1:])
        nr, nc = self._grid(h, w, check=True)
        kr, kc = self.neib_shape
        expected = (b * c * nr * nc, kr * kc)
        if g.shape != expected:
            raise ValueError(f"neibs2images: neibs has shape {g.shape} but an image of shape "
                             f"{(b, c, h, w)} gives {expected}")
        g6 = g.reshape(b, c, nr, nc, kr, kc)
        if self.mode == "wrap_centered":
            out = np.zeros((b, c, h, w), dtype=g.dtype)
            r, cl = _wrap_cells(*self._wrap_index(h, w))
            np.add.at(out, (slice(None), slice(None), r, cl), g6)
            output_storage[0][0] = out
            return
        ph, pw = self._pads()
        sr, sc = self.neib_step
        out = np.zeros((b, c, h + 2 * ph, w + 2 * pw), dtype=g.dtype)
        for i in range(kr):
            for j in range(kc):
                out[:, :, i:i + sr * (nr - 1) + 1:sr, j:j + sc * (nc - 1) + 1:sc] += g6[:, :, :, :, i, j]
        output_storage[0][0] = np.ascontiguousarray(out[:, :, ph:ph + h, pw:pw + w])

    def infer_shape(self, node, input_shapes):
        return [tuple(node.inputs[1:])]

    def connection_pattern(self, node):
        return [[True]] + [[False]] * 4

    def L_op(self, inputs, outputs, output_grads):
        (g,) = output_grads
        return [Images2Neibs(self.neib_shape, self.neib_step, self.mode)(g)] + [None] * 4


def images2neibs(ten4, neib_shape, neib_step=None, mode="valid"):
    """Patches of ``ten4`` (B, C, H, W) of ``neib_shape`` (rows, cols) every ``neib_step`` (default:
    ``neib_shape``), as a matrix with one flattened patch per row. ``mode``: 'valid',
    'ignore_borders', 'half', 'full' or 'wrap_centered' (see the module docstring)."""
    return Images2Neibs(neib_shape, neib_step, mode)(ten4)


def neibs2images(neibs, neib_shape, original_shape, mode="valid"):
    """Rebuild images of ``original_shape`` (B, C, H, W) from non-overlapping patches made by
    ``images2neibs(images, neib_shape, mode=mode)``; cells no patch covered are 0."""
    if not isinstance(original_shape, (tuple, list)):
        original_shape = [original_shape[k] for k in range(4)]
    if len(original_shape) != 4:
        raise ValueError(f"neibs2images: original_shape must have 4 entries, got {original_shape!r}")
    return Images2NeibsGrad(neib_shape, None, mode)(neibs, *original_shape)
