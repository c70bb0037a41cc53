"""images2neibs / neibs2images against a patch-by-patch reference."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.nnet.neighbours import Images2Neibs, images2neibs, neibs2images
from tests.helpers import OpCase, assert_allclose, check_case, rand

PY = lambda: theano.Mode(linker="py", optimizer="None")  # noqa: E731
DTYPES = ("float64", "float32")


def ref_images2neibs(x, shape, step=None, mode="valid"):
    step = step or shape
    pads = {"half": (shape[0] // 2, shape[1] // 2), "full": (shape[0] - 1, shape[1] - 1)}.get(mode, (0, 0))
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0],) * 2, (pads[1],) * 2))
    rows = []
    for b in range(x.shape[0]):
        for c in range(x.shape[1]):
            for r in range(0, xp.shape[2] - shape[0] + 1, step[0]):
                for q in range(0, xp.shape[3] - shape[1] + 1, step[1]):
                    rows.append(xp[b, c, r:r + shape[0], q:q + shape[1]].reshape(-1))
    return np.array(rows, dtype=x.dtype).reshape(-1, shape[0] * shape[1])


CASES = [
    ((2, 3, 4, 6), (2, 3), None, "valid"),
    ((1, 2, 5, 5), (3, 3), (1, 2), "valid"),
    ((1, 2, 5, 7), (2, 2), None, "ignore_borders"),
    ((2, 1, 4, 5), (3, 3), (1, 1), "half"),
    ((1, 1, 4, 4), (2, 3), (2, 1), "full"),
]


@pytest.mark.parametrize("mode", ["valid", "half", "full"])
def test_patches_that_do_not_cover_the_image_raise_in_valid_half_full(mode):
    # as Theano 1.0: 5 rows (7 once padded by 'half'/'full') do not fit patches of 2 with step
    # 2; the error is a ValueError, and the TypeError Theano raised; ignore_borders drops them
    x = T.dtensor4()
    v = rand(2, 3, 5, 5)
    f = theano.function([x], T.sqr(images2neibs(x, (2, 2), mode=mode)))
    for exc in (ValueError, TypeError):
        with pytest.raises(exc, match="cover the image exactly"):
            f(v)
    g = theano.function([x], images2neibs(x, (2, 2), mode="ignore_borders"))
    assert_allclose(g(v), ref_images2neibs(v, (2, 2), mode="ignore_borders"))


@pytest.mark.parametrize("case", CASES, ids=[f"{c[3]}-{c[1]}-{c[2]}" for c in CASES])
def test_images2neibs_contract(case):
    shape, neib, step, mode = case
    check_case(OpCase(f"images2neibs-{mode}", lambda x: images2neibs(x, neib, step, mode),
                      lambda x: ref_images2neibs(x, neib, step, mode), [rand(*shape, seed=3)],
                      dtypes=DTYPES))


def test_neibs2images_inverts_non_overlapping_patches():
    x = T.dtensor4()
    v = rand(2, 3, 4, 6)
    neibs = images2neibs(x, (2, 3))
    back = neibs2images(neibs, (2, 3), x.shape)
    assert_allclose(theano.function([x], back, mode=PY())(v), v)
    # ignore_borders: the cells no patch covers come back as zeros
    w = rand(1, 1, 5, 5)
    back = neibs2images(images2neibs(x, (2, 2), mode="ignore_borders"), (2, 2), (1, 1, 5, 5),
                        mode="ignore_borders")
    out = theano.function([x], back, mode=PY())(w)
    expected = w.copy()
    expected[:, :, 4, :] = 0
    expected[:, :, :, 4] = 0
    assert_allclose(out, expected)


def test_neibs2images_contract():
    # values, infer_shape and the gradient (images2neibs, its transpose)
    check_case(OpCase("neibs2images", lambda n: neibs2images(n, (2, 2), (1, 2, 4, 4)), _ref_n2i,
                      [rand(8, 4, seed=2)], dtypes=DTYPES))


def test_overlapping_patches_add_up_in_the_gradient():
    x = T.dtensor4()
    g = T.grad(images2neibs(x, (2, 2), (1, 1)).sum(), x)
    counts = theano.function([x], g, mode=PY())(rand(1, 1, 3, 3))
    assert_allclose(counts, [[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]])


def _ref_n2i(n):
    out = np.zeros((1, 2, 4, 4), dtype=n.dtype)
    k = 0
    for c in range(2):
        for r in range(0, 4, 2):
            for q in range(0, 4, 2):
                out[0, c, r:r + 2, q:q + 2] += n[k].reshape(2, 2)
                k += 1
    return out


def test_images2neibs_int_input_and_bad_arguments():
    x = T.itensor4()
    out = images2neibs(x, (2, 2))
    assert out.dtype == "int32"
    v = np.arange(16, dtype="int32").reshape(1, 1, 4, 4)
    assert_allclose(theano.function([x], out, mode=PY())(v), ref_images2neibs(v, (2, 2)))
    with pytest.raises(TypeError, match="4-d"):
        images2neibs(T.dmatrix(), (2, 2))
    with pytest.raises(ValueError, match="mode"):
        images2neibs(T.dtensor4(), (2, 2), mode="same")
    # mode 'wrap_centered' is built (tests/tensor/nnet/test_neighbours_wrap.py)
    assert images2neibs(T.dtensor4(), (3, 3), mode="wrap_centered").ndim == 2
    with pytest.raises(ValueError, match="neib_shape"):
        images2neibs(T.dtensor4(), (2, 0))
    with pytest.raises(TypeError, match="ints"):
        images2neibs(T.dtensor4(), (2, 2.5))


def test_valid_mode_requires_exact_cover():
    x = T.dtensor4()
    f = theano.function([x], images2neibs(x, (2, 2)), mode=PY())
    with pytest.raises(ValueError, match="ignore_borders"):
        f(rand(1, 1, 5, 4))
    with pytest.raises(ValueError, match="larger than"):
        f(rand(1, 1, 1, 4))


def test_identity_and_import_path():
    assert Images2Neibs((2, 2)) == Images2Neibs((2, 2), (2, 2))
    assert Images2Neibs((2, 2), mode="half") != Images2Neibs((2, 2))
    from theano.tensor.nnet import neighbours

    assert T.nnet.neighbours.images2neibs is neighbours.images2neibs is images2neibs


def test_output_never_aliases_the_input():
    op = Images2Neibs((2, 2))
    x = T.dtensor4()
    node = op.make_node(x)
    v = rand(1, 1, 2, 2)
    storage = [[None]]
    op.perform(node, [v], storage)
    assert not np.shares_memory(storage[0][0], v)
