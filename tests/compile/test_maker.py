"""FunctionMaker: the build pipeline's steps, reached through Theano 1.0's path."""

import warnings

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.function_module import FunctionMaker
from theano.compile.profiling import ProfileStats

MODES = [theano.Mode(linker="py"), "FAST_RUN"]


def test_theano1_path_is_the_maker():
    from theano.compile import maker

    assert FunctionMaker is maker.FunctionMaker
    assert theano.compile.FunctionMaker is maker.FunctionMaker


@pytest.mark.parametrize("mode", MODES)
def test_steps_leave_their_results(mode):
    x = T.dvector("x")
    y = T.dscalar("y")
    s = theano.shared(np.zeros(3), name="s")
    c = theano.shared(np.float64(0.0), name="count")
    c.default_update = c + 1  # reached only through the explicit update of s: a second round
    maker = FunctionMaker([x, theano.In(y, value=2.0)], [x * y + s], mode=mode,
                          updates=[(s, s + x * c)])
    assert [spec.variable for spec in maker.inputs] == [x, y]
    assert maker.output_kind == "list"
    assert maker.update_targets == [s, c]
    assert maker.shared_vars == [s, c]
    fg = maker.fgraph
    assert fg.n_explicit_inputs == 2 and fg.n_user_outputs == 1
    assert fg.update_mapping == {1: 2, 2: 3}
    f = maker.create()
    xv = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(f(xv)[0], xv * 2.0)
    np.testing.assert_allclose(s.get_value(), xv * 0.0)
    np.testing.assert_allclose(f(xv, 3.0)[0], xv * 3.0)
    np.testing.assert_allclose(s.get_value(), xv * 1.0)
    assert c.get_value() == 2.0


def test_givens_step_refuses_an_input():
    x = T.dvector("x")
    with pytest.raises(RuntimeError, match="input of the function"):
        FunctionMaker([x], [x * 2], givens={x: T.ones_like(x)})


def test_check_step_warning_points_at_the_caller():
    x, y = T.dvectors("x", "y")
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        f = theano.function([x, y], x * 2, on_unused_input="warn")
    msgs = [w for w in rec if "index 1" in str(w.message)]
    assert msgs and msgs[0].filename == __file__
    np.testing.assert_allclose(f([1.0], [5.0]), [2.0])


def test_check_step_missing_input():
    x, y = T.dvectors("x", "y")
    with pytest.raises(theano.graph.fg.MissingInputError, match="neither among the inputs"):
        FunctionMaker([x], [x + y])


def test_link_step_records_times_in_the_profile():
    x = T.dvector("x")
    prof = ProfileStats("maker")
    maker = FunctionMaker([x], [T.exp(x) + 1], mode="FAST_RUN", profile=prof)
    assert maker.profile is prof
    assert prof.compile_time >= prof.optimizer_time + prof.linker_time > 0
    f = maker.create()
    np.testing.assert_allclose(f(np.zeros(2))[0], [2.0, 2.0])
    np.testing.assert_allclose(f(np.ones(2))[0], np.exp(1.0) + 1)
