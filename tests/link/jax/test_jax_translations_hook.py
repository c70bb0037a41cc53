"""Ops above the backends register their JAX forms through
``theano.link.jax.register_translations`` (scan and ifelse do, from theano/link/jax/control.py):
``import theano`` imports neither JAX nor the backend's op table, a registration made after the
table is loaded takes effect at once, and the linker runs lazy ops and loops jitted alone through
generic properties only (skipped without JAX)."""

import os
import subprocess
import sys

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import Apply
from theano.graph.op import Op

jax = pytest.importorskip("jax")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def jax_mode():
    return theano.Mode(linker="jax", optimizer="fast_run")


def test_import_theano_registers_without_importing_jax():
    code = ("import sys, theano\n"
            "print('jax' in sys.modules, 'theano.link.jax.dispatch' in sys.modules,\n"
            "      'theano.link.jax.control' in sys.modules)\n")
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.split() == ["False", "False", "True"]


class _Triple(Op):
    """3 * x, with a perform that must not run inside a JAX function."""

    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        raise AssertionError("perform ran: the registered JAX form was not used")


def test_a_translation_registered_late_is_used_at_once():
    from theano.link.jax import dispatch, register_translations

    calls = []

    def register():
        calls.append(1)
        dispatch.jax_funcify.register(_Triple)(lambda op, node: (lambda x: 3 * x))

    register_translations(register)        # the table is already loaded: runs now
    assert calls == [1]
    x = T.dvector("x")
    f = theano.function([x], _Triple()(x) + 1, mode=jax_mode())
    for _ in range(2):
        np.testing.assert_allclose(f(np.arange(3.0)), 3 * np.arange(3.0) + 1)
    assert f.maker.thunk.is_jitted()


def test_ifelse_and_scan_translations_come_from_the_control_module():
    from theano.ifelse import IfElse, ifelse
    from theano.link.jax import dispatch
    from theano.scan.op import Scan

    assert dispatch.has_lazy_translation(IfElse)
    assert dispatch.jax_funcify.dispatch(Scan).__module__ == "theano.link.jax.control"
    assert dispatch.jax_lazy_funcify.dispatch(IfElse).__module__ == "theano.link.jax.control"
    # both in one jitted graph: an ifelse choosing between two loops
    c = T.dscalar("c")
    h0 = T.dvector("h0")
    up, _ = theano.scan(lambda h: h * 2, outputs_info=h0, n_steps=3)
    down, _ = theano.scan(lambda h: h - 1, outputs_info=h0, n_steps=3)
    out = ifelse(T.gt(c, 0), up[-1], down[-1])
    f = theano.function([c, h0], out, mode=jax_mode())
    g = theano.function([c, h0], out, mode=theano.Mode(linker="py"))
    for cv in (1.0, -1.0, 2.0):
        np.testing.assert_allclose(f(cv, np.arange(2.0)), g(cv, np.arange(2.0)))
    assert f.maker.thunk.is_jitted()
    paths = dict(f.maker.thunk.node_paths)
    assert [p for n, p in paths.items() if isinstance(n.op, IfElse)] == ["lax.cond"]
