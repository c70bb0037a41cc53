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


def test_misspelled_flag_warns_with_closest_name():
    p = run("import theano; print(theano.config.floatX)", "floatx=float32")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "float64"
    assert "'floatx'" in p.stderr and "Did you mean 'floatX'" in p.stderr


def test_misspelled_section_flag_warns():
    p = run("import theano", "dnn.enabeld=True")
    assert "Did you mean 'dnn.enabled'" in p.stderr


def test_theano1_only_flags_are_accepted_silently():
    p = run("import theano", "gcc.cxxflags=-O3,dnn.enabled=False,lib.cnmem=1,nvcc.fastmath=True")
    assert p.returncode == 0, p.stderr
    assert "not a Theano flag" not in p.stderr


def test_unknown_flag_in_theanorc_warns(tmp_path):
    rc = tmp_path / "rc"
    rc.write_text("[global]\nfloatX = float32\nmdoe = FAST_COMPILE\n")
    env = dict(os.environ, THEANORC=str(rc), THEANO_FLAGS="", PYTHONPATH=ROOT)
    p = subprocess.run([sys.executable, "-c", "import theano; print(theano.config.floatX)"],
                       capture_output=True, text=True, env=env)
    assert p.stdout.strip() == "float32"
    assert "~/.theanorc sets 'mdoe'" in p.stderr and "Did you mean 'mode'" in p.stderr


def test_base_compiledir_moves_the_cache(tmp_path):
    base = tmp_path / "base"
    p = run("import theano; print(theano.config.base_compiledir); print(theano.config.compiledir)",
            f"base_compiledir={base}")
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == [str(base), str(base)]
    # an explicit compiledir wins over base_compiledir
    p = run("import theano; print(theano.config.compiledir)",
            f"base_compiledir={base},compiledir={tmp_path / 'own'}")
    assert p.stdout.strip() == str(tmp_path / "own")


def test_base_compiledir_set_at_run_time_moves_compiledir(tmp_path):
    cfg = theano.config
    old = cfg.base_compiledir, cfg.compiledir, cfg._compiledir_set
    try:
        object.__setattr__(cfg, "_compiledir_set", False)
        cfg.base_compiledir = str(tmp_path)
        assert cfg.compiledir == str(tmp_path)
        cfg.compiledir = str(tmp_path / "own")      # set itself: no longer follows
        cfg.base_compiledir = str(tmp_path / "b2")
        assert cfg.compiledir == str(tmp_path / "own")
    finally:
        cfg.__dict__["base_compiledir"], cfg.__dict__["compiledir"] = old[0], old[1]
        object.__setattr__(cfg, "_compiledir_set", old[2])


def test_gpu_device_without_gpu_backend_says_what_runs():
    code = ("import importlib.util, theano; print(theano.config.linker);"
            "print(importlib.util.find_spec('jax') is None)")
    p = run(code, "device=cuda0")
    assert p.returncode == 0, p.stderr
    linker, no_jax = p.stdout.split()
    if no_jax == "True":
        assert linker == "auto"
        assert "device=cuda0" in p.stderr and "run on the CPU" in p.stderr
    else:
        assert linker == "jax"


def test_theano_logger_and_default_handler():
    import logging

    assert theano.theano_logger is logging.getLogger("theano")
    assert theano.logging_default_handler in theano.theano_logger.handlers
    p = run("import logging, theano; logging.getLogger('theano.compile').warning('hello there')", "")
    assert "WARNING (theano.compile): hello there" in p.stderr


def test_warn_float64_flag():
    with theano.config.change_flags(warn_float64="warn"):
        with pytest.warns(UserWarning, match="float64 tensor variable 'v'"):
            T.dvector("v")
        with warnings_none():
            T.fvector("w")
    with theano.config.change_flags(warn_float64="raise"):
        with pytest.raises(Exception, match="float64"):
            T.dmatrix()
    T.dmatrix()  # ignore (default)


class warnings_none:
    def __enter__(self):
        import warnings

        self._cm = warnings.catch_warnings()
        self._cm.__enter__()
        warnings.simplefilter("error")

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def test_traceback_limit_zero_turns_creation_traces_off():
    x = T.dvector("x")
    assert (x + 1).owner.creation_trace is not None
    with theano.config.change_flags(traceback__limit=0):
        y = x * 2
    assert y.owner.creation_trace is None
    np.testing.assert_array_equal(theano.function([x], y)(np.ones(2)), [2.0, 2.0])


def test_allow_gc_reaches_the_linker():
    from theano.link import get_linker

    assert get_linker("py").allow_gc is True
    with theano.config.change_flags(allow_gc=False):
        assert get_linker("py").allow_gc is False
        x = T.dvector("x")
        f = theano.function([x], T.exp(x) * 2 + 1, mode=theano.Mode(linker="py"))
        for _ in range(2):
            np.testing.assert_allclose(f(np.zeros(3)), [3.0, 3.0, 3.0])


def test_change_flags_takes_pairs_as_theano_did():
    from theano import change_flags

    @change_flags([("floatX", "float32")])
    def inside():
        return theano.config.floatX, theano.tensor.matrix().dtype

    before = theano.config.floatX
    assert inside() == ("float32", "float32")
    assert theano.config.floatX == before
    with change_flags([("floatX", "float16")], {"compute_test_value": "off"}):
        assert theano.config.floatX == "float16"
    assert theano.config.floatX == before
    with pytest.raises(TypeError, match="pairs"):
        change_flags(5)


def test_theano1_flags_read_by_its_test_code_exist_with_theano_defaults():
    # Theano 1.0's own code and tests read these two flags; they are accepted and have no effect
    assert theano.config.cycle_detection == "regular"
    assert theano.config.openmp_elemwise_minsize == 200000
    code = "import theano; print(theano.config.cycle_detection, theano.config.openmp_elemwise_minsize)"
    env = dict(os.environ, THEANO_FLAGS="cycle_detection=fast,openmp_elemwise_minsize=10")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0 and out.stdout.split() == ["fast", "10"], out.stderr
    assert "cycle_detection" not in out.stderr


def test_theano1_only_flags_read_and_set_with_theano_defaults():
    """Theano 1.0's C/GPU/internal flags: readable (flat and dotted) with Theano 1.0's defaults,
    settable, converted from THEANO_FLAGS; a misspelled one is an AttributeError with a hint."""
    c = theano.config
    assert c.dnn.enabled == "auto" and c.dnn.conv.algo_fwd == "small"
    assert c.reoptimize_unpickled_function is False and c.unittests.rseed == "666"
    assert c.scan.allow_gc is False and c.gcc.cxxflags == "" and c.lib.cnmem == 0.0
    assert c.compute_test_value_opt == "off" and c.optdb.max_use_ratio == 8.0
    with c.change_flags(reoptimize_unpickled_function=True):
        assert c.reoptimize_unpickled_function is True
    assert c.reoptimize_unpickled_function is False
    with pytest.raises(AttributeError, match="did you mean 'dnn.enabled'"):
        c.dnn.enabeld
    with pytest.raises(AttributeError, match="did you mean 'scan.allow_gc'"):
        c.scan.alow_gc = True
    code = ("import theano; c = theano.config; "
            "print(c.lib.cnmem, c.dnn.enabled, c.scan.allow_gc, c.compile.wait)")
    env = dict(os.environ, THEANO_FLAGS="lib.cnmem=0.5,dnn.enabled=False,scan.allow_gc=True,"
                                        "compile.wait=abc")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0.5", "False", "True", "5"]
    assert "compile.wait='abc'" in out.stderr and "no effect" in out.stderr


def test_add_config_var_in_process():
    # Theano 1.0's AddConfigVar: a library's own flags, checked, with dots making sections
    from theano.configparser import (THEANO_FLAGS_DICT, AddConfigVar, BoolParam, ConfigParam,
                                     EnumStr, FloatParam, IntParam, StrParam)

    def positive(v):
        v = int(v)
        if v <= 0:
            raise ValueError("must be positive")
        return v

    with pytest.raises(ValueError):
        AddConfigVar("gof_test.bad_default", "doc", ConfigParam(-3, filter=positive),
                     in_c_key=False)
    with pytest.raises(AttributeError):
        theano.config.gof_test.bad_default          # nothing was added
    AddConfigVar("gof_test.count", "how many", ConfigParam(lambda: 4, filter=positive))
    assert theano.config.gof_test.count == 4
    theano.config.gof_test.count = "7"                # converted by the filter
    assert theano.config.gof_test.count == 7 and getattr(theano.config, "gof_test.count") == 7
    with pytest.raises(ValueError):
        theano.config.gof_test.count = 0
    assert theano.config.gof_test.count == 7
    with theano.config.change_flags(gof_test__count=2):
        assert theano.config.gof_test.count == 2
    assert theano.config.gof_test.count == 7
    with pytest.raises(AttributeError):
        AddConfigVar("gof_test.count", "again", IntParam(1))
    with pytest.raises(AttributeError):
        AddConfigVar("floatX", "taken", StrParam("float64"))
    AddConfigVar("gof_test_mode", "one of three", EnumStr("fast", "slow", "off"))
    assert theano.config.gof_test_mode == "fast"
    with pytest.raises(ValueError, match="valid options"):
        theano.config.gof_test_mode = "medium"
    AddConfigVar("gof_test.nested.scale", "", FloatParam(0.5, is_valid=lambda v: v < 1))
    assert theano.config.gof_test.nested.scale == 0.5
    with pytest.raises(ValueError):
        theano.config.gof_test.nested.scale = 2.0
    AddConfigVar("gof_test.fixed", "", BoolParam(True, allow_override=False))
    assert theano.config.gof_test.fixed is True
    with pytest.raises(ValueError, match="cannot be changed"):
        theano.config.gof_test.fixed = False
    # a pending THEANO_FLAGS value replaces an invalid default, and is used up
    THEANO_FLAGS_DICT["gof_test.from_flags"] = "12"
    AddConfigVar("gof_test.from_flags", "", ConfigParam(-1, filter=positive))
    assert theano.config.gof_test.from_flags == 12
    assert "gof_test.from_flags" not in THEANO_FLAGS_DICT
    with pytest.raises(TypeError, match="ConfigParam"):
        AddConfigVar("gof_test.not_a_param", "", 3)


def test_add_config_var_reads_theano_flags_and_theanorc(tmp_path):
    rc = tmp_path / "rc"
    rc.write_text("[mylib]\nlevel = 3\nname = from-rc\n")
    code = ("import warnings; warnings.simplefilter('ignore')\n"
            "import theano\n"
            "from theano.configparser import AddConfigVar, IntParam, StrParam, THEANO_FLAGS_DICT\n"
            "print(sorted(THEANO_FLAGS_DICT))\n"
            "AddConfigVar('mylib.level', '', IntParam(1))\n"
            "AddConfigVar('mylib.name', '', StrParam('default'))\n"
            "AddConfigVar('mylib.other', '', StrParam('default'))\n"
            "c = theano.config.mylib\n"
            "print(c.level, type(c.level).__name__, c.name, c.other, sorted(THEANO_FLAGS_DICT))\n")
    env = dict(os.environ, THEANORC=str(rc), THEANO_FLAGS="mylib.level=5", PYTHONPATH=ROOT)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["['mylib.level']", "5 int from-rc default []"]
