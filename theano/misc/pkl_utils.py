"""Pickling helpers: deep graphs without recursion errors, and zip files of shared values.

Deep graphs
-----------
``reduce_variable`` (what ``Variable.__reduce_ex__`` calls) pickles deep graphs without recursion
errors; it lives with the graph, in ``theano/graph/pickling.py``, and is re-exported here.

Zip files
---------
``dump(obj, f)`` writes a zip file (readable by ``numpy.load``) holding the pickle as ``pkl`` and
each shared variable's value (and each other array, with ``PersistentNdarrayID``) as a ``.npy``
entry named after the variable (``W``, ``W_2`` for a second ``W``, ``array_0`` for an unnamed
one). ``load(f)`` reads it back.
"""

import copyreg
import io
import pickle
import zipfile

import numpy as np

from theano.compile.sharedvalue import SharedVariable
# Deep graphs: the reduction lives with the graph (theano/graph/pickling.py). The private names stay
# importable here for pickles written before the move (they name theano.misc.pkl_utils._nothing and
# _rebuild_after).
from theano.graph.pickling import _nothing as _nothing
from theano.graph.pickling import _rebuild_after as _rebuild_after
from theano.graph.pickling import reduce_variable

__all__ = ["dump", "load", "PersistentNdarrayID", "PersistentSharedVariableID",
           "PersistentNdarrayLoad", "StripPickler", "CompatUnpickler", "reduce_variable",
           "DEFAULT_PROTOCOL"]

DEFAULT_PROTOCOL = pickle.HIGHEST_PROTOCOL

# --------------------------------------------------------------------------------------------------
# zip files with arrays stored apart
# --------------------------------------------------------------------------------------------------


class PersistentNdarrayID:
    """``persistent_id`` that stores every ndarray as a separate ``.npy`` entry of the zip file."""

    def __init__(self, zip_file):
        self.zip_file = zip_file
        self.count = 0
        self.seen = {}

    def _resolve_name(self, obj):
        name = f"array_{self.count}"
        self.count += 1
        return name

    def _write(self, name, array):
        buf = io.BytesIO()
        np.lib.format.write_array(buf, np.asarray(array), allow_pickle=False)
        self.zip_file.writestr(name, buf.getvalue())

    def __call__(self, obj):
        if type(obj) is np.ndarray and obj.dtype != object:
            if id(obj) not in self.seen:
                name = self._resolve_name(obj)
                self._write(name, obj)
                self.seen[id(obj)] = (name, obj)
            return f"ndarray.{self.seen[id(obj)][0]}"
        return None


class PersistentSharedVariableID(PersistentNdarrayID):
    """Like ``PersistentNdarrayID``, but the value of a named shared variable is stored under the
    variable's name (``W``; ``W_2`` for a second variable called ``W``)."""

    def __init__(self, zip_file, allow_unnamed=True, allow_duplicates=True):
        super().__init__(zip_file)
        self.allow_unnamed = allow_unnamed
        self.allow_duplicates = allow_duplicates
        self.names = set()
        self.ndarray_names = {}

    def _resolve_name(self, obj):
        name = self.ndarray_names.get(id(obj))
        if name is None:
            return super()._resolve_name(obj)
        return name

    def __call__(self, obj):
        if isinstance(obj, SharedVariable):
            value = obj.container.value
            if type(value) is np.ndarray and id(value) not in self.ndarray_names:
                if obj.name:
                    if obj.name == "pkl":
                        raise ValueError("A shared variable called 'pkl' cannot be dumped: the zip "
                                         "entry 'pkl' holds the pickle itself; rename it")
                    name = obj.name
                    if name in self.names:
                        if not self.allow_duplicates:
                            raise ValueError(f"Two shared variables are called {name!r}")
                        k = 2
                        while f"{name}_{k}" in self.names:
                            k += 1
                        name = f"{name}_{k}"
                    self.names.add(name)
                    self.ndarray_names[id(value)] = name
                elif not self.allow_unnamed:
                    raise ValueError(f"Unnamed shared variable {obj}")
        return super().__call__(obj)


class PersistentNdarrayLoad:
    """``persistent_load`` that reads the arrays written by ``PersistentNdarrayID``."""

    def __init__(self, zip_file):
        self.zip_file = zip_file
        self.cache = {}

    def __call__(self, persid):
        kind, name = persid.split(".", 1)
        if kind != "ndarray":
            raise pickle.UnpicklingError(f"Unknown persistent id {persid!r}")
        if name not in self.cache:
            with self.zip_file.open(name) as f:
                self.cache[name] = np.lib.format.read_array(io.BytesIO(f.read()), allow_pickle=False)
        return self.cache[name]


def dump(obj, file_handler, protocol=DEFAULT_PROTOCOL, persistent_id=PersistentSharedVariableID):
    """Pickle ``obj`` to a zip file: the pickle is the entry ``pkl``; arrays (shared variables'
    values with ``PersistentSharedVariableID``) are ``.npy`` entries readable with ``numpy.load``."""
    with zipfile.ZipFile(file_handler, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        pid = persistent_id(zf)
        buf = io.BytesIO()
        # a subclass, not an instance attribute: Python 3.13 made persistent_id read-only there
        pickler_cls = type("_ZipPickler", (pickle.Pickler,), {"persistent_id": lambda self, o: pid(o)})
        pickler = pickler_cls(buf, protocol=protocol)
        pickler.dump(obj)
        zf.writestr("pkl", buf.getvalue())


def load(f, persistent_load=PersistentNdarrayLoad):
    """Load an object written by ``dump`` from a file name or an open binary file."""
    with zipfile.ZipFile(f, "r") as zf:
        data = zf.read("pkl")
        pload = persistent_load(zf)
        unpickler_cls = type("_ZipUnpickler", (pickle.Unpickler,),
                             {"persistent_load": lambda self, persid: pload(persid)})
        return unpickler_cls(io.BytesIO(data)).load()


class StripPickler(pickle.Pickler):
    """A Pickler that leaves out what a graph does not need to run, for smaller pickles that do
    not depend on where the graph was built (Theano 1.0's ``StripPickler``):

    - from each variable's ``tag``: ``trace`` and ``test_value``, and the tag names listed in
      ``extra_tag_to_remove``;
    - from each Apply node: its creation trace (file and line), and from each variable the
      stack its ``tag.trace`` is read from.

    The objects pickled are left as they are (only the pickle lacks these attributes)::

        with open('fn_args.pkl', 'wb') as f:
            StripPickler(f, protocol=-1).dump(dict(inputs=inputs, outputs=outputs))
    """

    def __init__(self, file, protocol=DEFAULT_PROTOCOL, extra_tag_to_remove=None):
        super().__init__(file, protocol)
        if isinstance(extra_tag_to_remove, str):
            extra_tag_to_remove = [extra_tag_to_remove]
        extra = list(extra_tag_to_remove or ())
        for name in extra:
            if not isinstance(name, str):
                raise TypeError(f"StripPickler: extra_tag_to_remove must hold tag names (strings), "
                                f"got {name!r}")
        self.tag_to_remove = ["trace", "test_value"] + extra

    def dump(self, obj):
        from theano.graph.basic import STRIP_CREATION_STACKS

        token = STRIP_CREATION_STACKS.set(True)   # variables leave out their creation stacks
        try:
            return super().dump(obj)
        finally:
            STRIP_CREATION_STACKS.reset(token)

    def reducer_override(self, obj):
        from theano.graph.basic import Apply, ScratchPad

        if isinstance(obj, ScratchPad):
            state = {k: v for k, v in obj.__dict__.items() if k not in self.tag_to_remove}
            return (copyreg.__newobj__, (type(obj),), state)
        if isinstance(obj, Apply):
            state = dict(obj.__dict__)
            state["creation_trace"] = None
            return (copyreg.__newobj__, (type(obj),), state)
        return NotImplemented


class CompatUnpickler(pickle.Unpickler):
    """An Unpickler that reads pickles written by Python 2 (latin-1 strings)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("encoding", "latin1")
        super().__init__(*args, **kwargs)
