"""theano.config: defaults, THEANO_FLAGS, change_flags, floatX effects."""

import os
import subprocess
import sys

import numpy as np
import pytest

import theano
import theano.tensor as T

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(code, flags):
    env = dict(os.environ, THEANO_FLAGS=flags, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)


def test_defaults():
    assert theano.config.floatX == "float64"
    assert theano.config.mode == "FAST_RUN"
    with pytest.raises(AttributeError):
        theano.config.no_such_flag


def test_theano_flags_floatx_float32():
    p = run("import theano, theano.tensor as T; x = T.matrix(); print(x.dtype, (x * 0.1).dtype,"
            " theano.config.floatX)", "floatX=float32,mode=FAST_COMPILE")
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["float32", "float32", "float32"]


def test_bad_flag_value_is_clear():
    p = run("import theano", "floatX=float8")
    assert p.returncode != 0 and "floatX" in p.stderr


def test_change_flags():
    with theano.config.change_flags(floatX="float32"):
        assert T.matrix().dtype == "float32"
        assert T.constant(0.1).dtype == "float32"
    assert T.matrix().dtype == "float64"
    assert T.constant(0.1).dtype == "float64"
    assert T.constant(0.5).dtype == "float32"  # exact in float32


def test_dtype_rules():
    assert (T.bscalar() + T.fscalar()).dtype == "float32"
    assert (T.lscalar() + T.fscalar()).dtype == "float64"
    assert (T.iscalar() / T.iscalar()).dtype == theano.config.floatX
    assert (T.iscalar() // T.iscalar()).dtype == "int32"
    assert (T.fvector() * 2).dtype == "float32"
    assert (T.fvector() * 0.1).dtype == "float64"
    assert (T.dvector() < 1).dtype == "bool"
    assert T.constant(300).dtype == "int16"
    assert T.constant(2 ** 40).dtype == "int64"
    assert T.constant([1, 2]).dtype == "int64"
    assert T.exp(T.bscalar()).dtype == "float32"
    assert T.exp(T.lscalar()).dtype == "float64"


def test_theanorc_file(tmp_path):
    rc = tmp_path / "theanorc"
    rc.write_text("[global]\nfloatX = float32\nmode = FAST_COMPILE\n")
    env = dict(os.environ, THEANORC=str(rc), PYTHONPATH=ROOT)
    env.pop("THEANO_FLAGS", None)
    p = subprocess.run([sys.executable, "-c", "import theano; print(theano.config.floatX, theano.config.mode)"],
                       capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["float32", "FAST_COMPILE"]
    # THEANO_FLAGS wins over the file
    env["THEANO_FLAGS"] = "floatX=float64"
    p = subprocess.run([sys.executable, "-c", "import theano; print(theano.config.floatX)"],
                       capture_output=True, text=True, env=env)
    assert p.stdout.strip() == "float64"
