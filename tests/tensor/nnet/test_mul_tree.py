"""theano.tensor.nnet.mul_tree (re-exported by theano.tensor.nnet.sigm as in Theano 1.0): products
as [neg, body] trees, and the exp(u) * sigmoid(-u) = sigmoid(u) cancellation on them."""

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.nnet import sigm
from theano.tensor.nnet.mul_tree import (compute_mul, is_1pexp, is_neg, parse_mul_tree,
                                         perform_sigm_times_exp, simplify_mul)
from tests.helpers import value_mode

x, y, z, t = T.vectors("x", "y", "z", "t")
exp, sigmoid = T.exp, T.nnet.sigmoid
RNG = np.random.RandomState(7)
VALS = [RNG.uniform(-3, 3, size=5) for _ in range(4)]


def _values(expr, mode):
    f = theano.function([x, y, z, t], expr, mode=value_mode(mode), on_unused_input="ignore")
    first = f(*VALS)
    np.testing.assert_array_equal(f(*VALS), first)
    return first


def _ops(var):
    return [n.op for n in theano.graph.basic.io_toposort([x, y, z, t], [var])]


def test_parse_mul_tree_shapes_and_round_trip():
    assert parse_mul_tree(x * y) == [False, [[False, x], [False, y]]]
    assert parse_mul_tree(-(x * y)) == [True, [[False, x], [False, y]]]
    assert parse_mul_tree(-x * y) == [False, [[True, x], [False, y]]]
    assert parse_mul_tree(-x) == [True, x]
    assert is_neg(x) is None and is_neg(-x) is x and is_neg(-1 * x) is x
    tree = parse_mul_tree((x * y) * -z)
    assert tree == [False, [[False, [[False, x], [False, y]]], [True, z]]]
    assert parse_mul_tree(compute_mul(tree)) == tree
    assert sigm.parse_mul_tree is parse_mul_tree and sigm.compute_mul is compute_mul


@pytest.mark.parametrize("mode", ["py", "auto"])
def test_compute_mul_has_the_values_of_the_expression(mode):
    for expr in [(x * y) * -z, -(x * -y) * (t * 3), -x]:
        np.testing.assert_allclose(_values(compute_mul(parse_mul_tree(expr)), mode),
                                   _values(expr, mode), rtol=1e-14)


def test_simplify_mul_drops_ones_and_single_products():
    assert simplify_mul([True, [[False, None], [True, [[False, x]]]]]) == [False, x]
    assert simplify_mul([False, [[True, None], [False, None]]]) == [True, None]
    assert simplify_mul([False, [[False, x], [True, None], [False, y]]]) == \
        [True, [[False, x], [False, y]]]
    with pytest.raises(ValueError):
        compute_mul([False, None])


def test_is_1pexp():
    assert is_1pexp(1 + exp(x), False) == (False, x)
    assert is_1pexp(exp(x) + 1) == (False, x)
    assert is_1pexp(T.add(0.25, exp(x), 0.75)) == (False, x)
    for bad in [1 - exp(x), 2 + exp(x), exp(x) - 1, -1 + exp(x), 1 + 2 * exp(x), x + 1]:
        assert is_1pexp(bad, False) is None


CASES = [
    sigmoid(x) * exp(-x),
    -x * sigmoid(x) * (y * (-1 * z) * exp(-x)),
    -sigmoid(-x) * (exp(y) * (-exp(-z) * 3 * -exp(x)) *
                    (y * 2 * (-sigmoid(-y) * (z + t) * exp(z)) * sigmoid(z))) * -sigmoid(x),
    exp(-x) * -exp(-x) * (-sigmoid(x) * -sigmoid(x)),
    -exp(x) * -sigmoid(-x) * -exp(-x),
]
EXPS_LEFT = [0, 0, 1, 0, 0]


@pytest.mark.parametrize("mode", ["py", "auto"])
@pytest.mark.parametrize("k", range(len(CASES)))
def test_perform_sigm_times_exp_keeps_the_values_and_removes_the_exps(mode, k):
    expr = CASES[k]
    tree = parse_mul_tree(expr)
    assert perform_sigm_times_exp(tree) is True
    new = compute_mul(simplify_mul(tree))
    n_exp = sum(getattr(op, "scalar_op", None) == T.exp.scalar_op for op in _ops(new))
    assert n_exp == EXPS_LEFT[k]
    np.testing.assert_allclose(_values(new, mode), _values(expr, mode), rtol=1e-12)
    # one pass pairs each leaf once (as Theano's): case 2 keeps exp(z) * sigmoid(-z), which a
    # second pass cancels
    again = parse_mul_tree(new)
    assert perform_sigm_times_exp(again) is (k == 2)
    np.testing.assert_allclose(_values(compute_mul(simplify_mul(again)), mode),
                               _values(expr, mode), rtol=1e-12)


def test_perform_sigm_times_exp_places_the_sigmoid_where_theano_did():
    tree = parse_mul_tree(-exp(x) * -sigmoid(-x) * -exp(-x))
    perform_sigm_times_exp(tree)
    neg, body = simplify_mul(tree)
    assert neg is True and body.owner.op == T.nnet.sigmoid
    assert is_neg(body.owner.inputs[0]) is x           # -sigmoid(-x)
