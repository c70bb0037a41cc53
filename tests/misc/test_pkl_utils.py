"""theano.misc.pkl_utils: zip files of pickles with arrays stored apart."""

import io
import pickle

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.misc.pkl_utils import (CompatUnpickler, PersistentNdarrayID, StripPickler, dump,
                                   load)


def test_dump_load_shared_values(tmp_path):
    foo_1 = theano.shared(np.arange(3.0), name="foo")
    foo_2 = theano.shared(np.ones((2, 2), dtype="float32"), name="foo")
    unnamed = theano.shared(np.zeros(2))
    path = tmp_path / "model.zip"
    with open(path, "wb") as f:
        dump((foo_1, foo_2, unnamed, np.array(2)), f)
    npz = np.load(path)
    assert set(npz.keys()) == {"foo", "foo_2", "array_0", "array_1", "pkl"}
    np.testing.assert_array_equal(npz["foo"], np.arange(3.0))
    assert npz["foo_2"].dtype == "float32"
    with open(path, "rb") as f:
        a, b, c, arr = load(f)
    np.testing.assert_array_equal(a.get_value(), np.arange(3.0))
    np.testing.assert_array_equal(b.get_value(), np.ones((2, 2)))
    assert b.get_value().dtype == "float32" and b.type == foo_2.type
    np.testing.assert_array_equal(c.get_value(), np.zeros(2))
    assert arr == 2


def test_dump_load_graph_with_shared_and_function(tmp_path):
    w = theano.shared(np.arange(4.0), name="W")
    x = T.dvector("x")
    f = theano.function([x], (x * w).sum(), updates={w: w * 2})
    buf = io.BytesIO()
    dump((f, w), buf)
    buf.seek(0)
    f2, w2 = load(buf)
    assert f2(np.ones(4)) == 6.0
    np.testing.assert_array_equal(w2.get_value(), np.arange(4.0) * 2)
    np.testing.assert_array_equal(w.get_value(), np.arange(4.0))


def test_same_array_stored_once_and_ndarray_ids(tmp_path):
    a = np.arange(5)
    path = tmp_path / "arrays.zip"
    dump({"x": a, "y": a, "z": [a + 1]}, str(path), persistent_id=PersistentNdarrayID)
    names = set(np.load(path).keys())
    assert names == {"array_0", "array_1", "pkl"}
    d = load(str(path))
    assert d["x"] is d["y"]
    np.testing.assert_array_equal(d["z"][0], a + 1)


def test_shared_variable_named_pkl_is_refused(tmp_path):
    s = theano.shared(np.zeros(2), name="pkl")
    with pytest.raises(ValueError, match="pkl"):
        dump(s, io.BytesIO())


def test_strip_pickler_drops_creation_traces():
    x = T.dvector("x")
    y = T.exp(x) + 1
    assert y.owner.creation_trace is not None
    buf = io.BytesIO()
    StripPickler(buf).dump(y)
    y2 = pickle.loads(buf.getvalue())
    assert y2.owner.creation_trace is None
    assert y2.type == y.type
    y3 = CompatUnpickler(io.BytesIO(pickle.dumps(y))).load()
    assert y3.owner.creation_trace is not None


def test_strip_pickler_removes_trace_test_value_and_extra_tags_from_tags():
    x = T.dvector("x")
    x.tag.test_value = np.ones(3)
    x.tag.trace = ["somewhere"]
    x.tag.note = "keep me"
    x.tag.big = np.zeros(1000)
    y = T.exp(x) * 2
    y.tag.trace = ["elsewhere"]
    for extra, kept in ((None, {"note", "big"}), (["big"], {"note"}), ("big", {"note"})):
        buf = io.BytesIO()
        StripPickler(buf, protocol=-1, extra_tag_to_remove=extra).dump(y)
        y2 = pickle.loads(buf.getvalue())
        x2 = y2.owner.inputs[0].owner.inputs[0]
        names = {k for k in x2.tag.__dict__ if not k.startswith("_")}
        assert names == kept, (extra, names)
        assert not hasattr(y2.tag, "trace") and y2.owner.creation_trace is None
        # the graph still runs, and the pickled objects were left as they were
        f = theano.function([x2], y2)
        for _ in range(3):
            np.testing.assert_allclose(f(np.arange(3.0)), np.exp(np.arange(3.0)) * 2)
        assert x.tag.trace == ["somewhere"] and x.tag.test_value.shape == (3,)
        assert y.tag.trace == ["elsewhere"] and y.owner.creation_trace is not None
    with pytest.raises(TypeError, match="tag names"):
        StripPickler(io.BytesIO(), extra_tag_to_remove=[3])


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "floatX"])
def test_safe_asarray(dtype):
    import theano.misc
    from theano.misc.safe_asarray import _asarray

    out = _asarray([1, 2, 3], dtype)
    expected = theano.config.floatX if dtype == "floatX" else dtype
    assert out.dtype == np.dtype(expected) and out.tolist() == [1, 2, 3]
    assert theano.misc.safe_asarray._asarray is _asarray
