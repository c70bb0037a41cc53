"""scan: bad arguments give clear errors that name the argument and say what to do."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.scan_module import until


def test_wrong_number_of_outputs():
    x = T.dvector("x")
    with pytest.raises(ValueError, match=r"returned 1 output\(s\) but outputs_info has 2"):
        theano.scan(lambda v, a, b: v + a, sequences=x,
                    outputs_info=[T.constant(0.0, dtype="float64"), T.constant(0.0, dtype="float64")])


def test_dtype_changing_between_steps_tells_to_cast():
    x = T.dvector("x")
    h0 = T.fscalar("h0")
    with pytest.raises(TypeError, match=r"dtype float64.*outputs_info\[0\].*float32.*T.cast\(out, 'float32'\)"):
        theano.scan(lambda v, h: h + v, sequences=x, outputs_info=h0)
    # the suggested fix works
    r, _ = theano.scan(lambda v, h: T.cast(h + v, "float32"), sequences=x, outputs_info=h0)
    out = theano.function([x, h0], r)(np.ones(3), 0.0)
    assert out.dtype == np.float32


def test_ndim_changing_between_steps():
    x = T.dvector("x")
    h0 = T.dvector("h0")
    with pytest.raises(TypeError, match=r"output 0 of fn .* 0 dimension\(s\).*gives 1"):
        theano.scan(lambda v, h: h.sum() + v, sequences=x, outputs_info=h0)


def test_shape_changing_at_run_time():
    x = T.dvector("x")
    h0 = T.dvector("h0")
    r, _ = theano.scan(lambda v, h: T.concatenate([h, h]) if hasattr(T, "concatenate") else h[:1],
                       sequences=x, outputs_info=h0)
    f = theano.function([x, h0], r)
    with pytest.raises(ValueError, match="keep its shape"):
        f(np.ones(3), np.ones(2))


def test_negative_tap_without_enough_history():
    x = T.dvector("x")
    r, _ = theano.scan(lambda a, b: a + b, sequences=dict(input=x, taps=[-3, 0]))
    f = theano.function([x], r)
    assert f(np.arange(5.0)).shape == (2,)
    with pytest.raises(ValueError, match=r"sequences\[0\] has 2 entries.*span 4"):
        f(np.arange(2.0))


def test_n_steps_larger_than_the_sequence():
    x = T.dvector("x")
    k = T.iscalar("k")
    r, _ = theano.scan(lambda a: a * 2, sequences=x, n_steps=k)
    f = theano.function([x, k], r)
    np.testing.assert_allclose(f(np.arange(4.0), 2), [0.0, 2.0])
    with pytest.raises(ValueError, match=r"sequences\[0\] has 4 entries but 6 steps"):
        f(np.arange(4.0), 6)
    with pytest.raises(ValueError, match="negative"):
        f(np.arange(4.0), -1)
    with pytest.raises(ValueError, match="n_steps must be >= 0"):
        theano.scan(lambda a: a, sequences=x, n_steps=-2)


def test_output_taps_must_be_negative_and_initial_needs_rows():
    x0 = T.dvector("x0")
    with pytest.raises(ValueError, match=r"outputs_info\[0\].*negative"):
        theano.scan(lambda a: a, outputs_info=dict(initial=x0, taps=[0]), n_steps=3)
    with pytest.raises(TypeError, match=r"outputs_info\[0\].*scalar"):
        theano.scan(lambda a, b: a + b, outputs_info=dict(initial=T.dscalar(), taps=[-2, -1]), n_steps=3)
    r, _ = theano.scan(lambda a, b: a + b, outputs_info=dict(initial=x0, taps=[-3, -1]), n_steps=3)
    with pytest.raises(ValueError, match="needs at least 3|exactly 3|3 rows"):
        theano.function([x0], r)(np.ones(2))


def test_bad_sequences_and_arguments():
    s = T.dscalar("s")
    x = T.dvector("x")
    with pytest.raises(TypeError, match=r"sequences\[0\].*at least one dimension"):
        theano.scan(lambda a: a, sequences=s)
    with pytest.raises(ValueError, match=r"sequences\[0\].*'input'"):
        theano.scan(lambda a: a, sequences=dict(taps=[0]))
    with pytest.raises(ValueError, match="repeated taps"):
        theano.scan(lambda a, b: a, sequences=dict(input=x, taps=[0, 0]))
    with pytest.raises(ValueError, match="give sequences or n_steps"):
        theano.scan(lambda h: h, outputs_info=s)
    with pytest.raises(TypeError, match="callable"):
        theano.scan(3, sequences=x)
    with pytest.raises(TypeError, match="n_steps must be an integer scalar"):
        theano.scan(lambda a: a, sequences=x, n_steps=T.dvector())
    with pytest.raises(ValueError, match="truncate_gradient"):
        theano.scan(lambda a: a, sequences=x, truncate_gradient=0)


def test_bad_updates_and_until():
    x = T.dvector("x")
    c = theano.shared(np.float32(0), name="c")
    with pytest.raises(TypeError, match="shared variables as keys"):
        theano.scan(lambda v: (v, {x: v}), sequences=x)
    with pytest.raises(TypeError, match=r"update of shared variable c.*T.cast\(expr, 'float32'\)"):
        theano.scan(lambda v: (v, {c: c + v}), sequences=x)
    with pytest.raises(TypeError, match="condition must be a scalar"):
        until(x)
