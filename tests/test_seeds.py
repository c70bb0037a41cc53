"""Every program of the seed tutorials (../shared/seeds) runs unchanged and prints what they print.

The programs are in examples/; each test runs one as a user would (a fresh Python process) and checks
the printed values. Values are compared as numbers: NumPy 2 prints arrays slightly differently
(``array(45.)`` where the tutorials show ``array(45.0)``), the values are the same.
"""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_example(name):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "examples", name)], capture_output=True,
                          text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.splitlines()


def numbers(line):
    return [float(v) for v in re.findall(r"-?\d+\.?\d*(?:e[-+]?\d+)?", line)]


def test_trivial_training_prints_the_tutorial_values():
    out = run_example("seed_trivial_training.py")
    expected_w = [[19.94, 20.09, 19.99, 20.14], [23.908, 24.058, 23.958, 24.108],
                  [24.7016, 24.8516, 24.7516, 24.9016], [24.86032, 25.01032, 24.91032, 25.06032],
                  [24.892064, 25.042064, 24.942064, 25.092064],
                  [24.8984128, 25.0484128, 24.9484128, 25.0984128],
                  [24.89968256, 25.04968256, 24.94968256, 25.09968256],
                  [24.89993651, 25.04993651, 24.94993651, 25.09993651],
                  [24.8999873, 25.0499873, 24.9499873, 25.0999873],
                  [24.89999746, 25.04999746, 24.94999746, 25.09999746]]
    expected_out = ["0.8", "80.16000000000001", "96.03200000000001", "99.2064", "99.84128",
                    "99.968256", "99.9936512", "99.99873024", "99.99974604799999", "99.99994920960002"]
    assert numbers(out[0]) == [0.1, 0.25, 0.15, 0.3]
    weights = [numbers(l) for l in out if l.startswith("Modified Weights")]
    outputs = [l.split("Output:")[1].strip() for l in out if l.startswith("Output")]
    assert weights == expected_w
    # every printed digit of the outputs, as in the tutorial
    assert outputs == expected_out


def test_german_tutorial_values():
    out = run_example("seed_d2_gradient_descent.py")
    assert out[0] == "array(6)"
    assert numbers(out[1]) == [45.0] and "." in out[1]  # a float: array(45.0)
    assert numbers(out[2]) == [20.0]
    assert numbers(out[3]) == [2.0, 4.0, 6.0, 8.0, 10.0]
    assert numbers(out[4]) == [1, 2, 3, 4, 5]
    assert numbers(out[5]) == [20.0, 22.0, 24.0]
    assert out[6:9] == ["array(0)", "array(1)", "array(2)"]
    assert [numbers(l)[0] for l in out[9::2]] == [55.0, 21.25, 12.8125]
    assert [float(l) for l in out[10::2]] == [1.5, 2.25, 2.625]


def test_book_basics_values():
    out = run_example("seed_book_basics.py")
    assert out[0] == "net_input: 6.500000"
    assert out[1] == "(True, False)" and out[2] == "(False, False)"
    text = "\n".join(out)
    assert numbers(" ".join(out[7:10])) == [2.0, 4.0, 4.0, 6.0, 6.0, 8.0]
    assert "[array(5., dtype=float32), array(6., dtype=float32)]" in text
    dx_line = [l for l in out if l.startswith("0.04517")][0]
    assert float(dx_line) == pytest.approx(0.045176658779382706, rel=1e-7)
    assert out[-4:] == ["1", "4", "0", "1"]


def test_sigmoid_derivative_exact_float32():
    import theano
    import theano.tensor as T

    x = T.fscalar("x")
    y = 1 / (1 + T.exp(-x))
    f = theano.function([x], theano.grad(y, x))
    r = f(3)
    assert r.dtype == np.float32
    assert float(r) == 0.045176658779382706


def test_logistic_regression_runs_and_learns():
    out = run_example("seed_logistic_regression.py")
    errs = [float(l) for l in out]
    assert len(errs) == 1000
    assert all(np.isfinite(errs))
    assert errs[-1] < errs[0]


def test_scan_polynomial():
    out = run_example("seed_scan_polynomial.py")
    assert numbers(out[0]) == [2, 30, 400, 6000, 50000]
    assert numbers(out[1]) == [56432]


def test_ifelse_switch_timing_example():
    out = run_example("seed_ifelse_switch.py")
    assert out[0].startswith("time spent evaluating both values")
    assert out[1].startswith("time spent evaluating one value")
