"""pp, debugprint, pydotprint."""

import io
import os

import numpy as np

import theano
import theano.tensor as T
from theano.printing import debugprint, pp, pydotprint


def test_pp_formula():
    x = T.dscalar("x")
    y = T.dscalar("y")
    assert pp(x * 2 + y) == "((x * TensorConstant{2}) + y)"
    assert pp(T.exp(-x)) == "exp((-x))"


def test_debugprint_tree_and_ids():
    x = T.dvector("x")
    y = T.exp(x) + x
    text = debugprint(y, file="str")
    lines = text.splitlines()
    assert lines[0].startswith("Elemwise{add,no_inplace} [id A]")
    assert any("Elemwise{exp,no_inplace}" in l for l in lines)
    assert sum("x [id" in l for l in lines) == 2
    ids = {l.split("[id ")[1].split("]")[0] for l in lines if "x [id" in l}
    assert len(ids) == 1  # the same variable gets the same id


def test_debugprint_compiled_function_shows_positions():
    x = T.dvector("x")
    f = theano.function([x], (T.exp(x) * 2).sum())
    buf = io.StringIO()
    debugprint(f, file=buf)
    text = buf.getvalue()
    assert "Sum" in text
    assert any(l.rstrip()[-1].isdigit() for l in text.splitlines() if "[id" in l)


def test_pydotprint_writes_a_file(tmp_path):
    x = T.dvector("x")
    f = theano.function([x], T.exp(x).sum())
    out = pydotprint(f, outfile=str(tmp_path / "graph.png"), print_output_file=False)
    assert os.path.exists(out)
    with open(out, "rb") as fh:
        head = fh.read(64)
    assert head.startswith(b"\x89PNG") or b"digraph" in head


def test_print_op_prints_and_passes_value(capsys):
    x = T.dvector("x")
    y = theano.printing.Print("value of x")(x) * 2
    f = theano.function([x], y)
    np.testing.assert_array_equal(f([1.0, 2.0]), [2.0, 4.0])
    assert "value of x" in capsys.readouterr().out
