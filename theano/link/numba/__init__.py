"""The fast native CPU backend 'numba' (the default of 'auto' when numba imports).

The graph becomes straight-line generated Python (``linker.py``); each op runs the callable that
``numba_funcify`` registers for its class (``dispatch.py``), Elemwise nodes as NumPy ufuncs or fused
Numba loops (``elemwise.py``) cached on disk (``cache.py``). Ops without a registration run their
``perform``.
"""

import importlib.util

from theano.link import register_linker

# numba itself is imported only when the first kernel is compiled (importing it takes ~0.5 s,
# which ``theano.function`` should not pay for graphs that never get hot).
AVAILABLE = importlib.util.find_spec("numba") is not None

if AVAILABLE:
    from theano.link.numba.dispatch import numba_funcify, perform_funcify
    from theano.link.numba.linker import NumbaLinker, build_thunk

    register_linker("numba", NumbaLinker)
    __all__ = ["AVAILABLE", "NumbaLinker", "numba_funcify", "perform_funcify", "build_thunk"]
else:
    __all__ = ["AVAILABLE"]
