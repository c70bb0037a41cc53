"""Shared variables kept on the device between calls of JAX functions.

A JAX function gives its shared tensor variables a ``DeviceCell`` as their container's storage (the
one-item list every function reads the value from). The cell holds the value on the host (a NumPy
array), on the device (a ``jax.Array``), or both when they agree:

- the JAX function reads the device array (uploaded once, then kept), and its updates come back as
  device arrays that the cell keeps without a copy to the host; the old device buffer of an updated
  variable is donated to the jitted call (``donate_argnums``) so XLA can write the new value into it;
- every other reader (``get_value()``, a Numba or reference-VM function, pickling) gets a NumPy array,
  copied from the device once per new value and then kept;
- ``set_value(v)`` (or a non-JAX function's update) stores a host value and copies it to the device
  (``set_value`` at once, an update when a JAX function next reads it).

Which reader is asking is told by the calling frame: the generated fast path of a compiled function
names its thunk ``thunk``, and a JAX thunk carries ``reads_device_arrays``. A reader not recognized
(the slow call path, for example) gets the host array, which a JAX thunk matches to the cell's
device array by identity, so nothing is uploaded twice: the check only saves copies, the values are
the same either way.
"""

import sys

import numpy as np

__all__ = ["DeviceCell", "install", "is_device_array", "to_numpy", "upload"]


_ARRAY_TYPES = {}     # type -> whether it is a jax.Array type (cached: one dict look-up a call)


def is_device_array(v):
    """Whether ``v`` is a ``jax.Array`` (without importing JAX for other values)."""
    t = type(v)
    known = _ARRAY_TYPES.get(t)
    if known is None:
        known = False
        if t.__module__.startswith("jax"):
            import jax

            known = issubclass(t, jax.Array)
        _ARRAY_TYPES[t] = known
    return known


def to_numpy(v):
    """A device array as a new NumPy array (a replicated array spread over several processes:
    this process's copy)."""
    try:
        return np.array(v)
    except RuntimeError:
        if v.is_fully_addressable or not v.is_fully_replicated:
            raise
        return np.array(v.addressable_data(0))


def upload(value, sharding=None):
    """``value`` (a NumPy array) as a device array of the same dtype: 64-bit dtypes inside JAX's
    scoped x64 mode, without switching the process-wide flag."""
    import jax

    if np.dtype(value.dtype).itemsize == 8 or np.dtype(value.dtype).kind == "c":
        with jax.enable_x64(True):
            return jax.device_put(value, sharding)
    return jax.device_put(value, sharding)


class DeviceCell(list):
    """A container's one-item storage holding the value on the host, on the device, or both (see
    the module docstring). Item 0 of the underlying list is the host value (None while only the
    device value is current); ``device`` is the device value (None while only the host one is)."""

    __slots__ = ("device", "sharding")

    def __init__(self, value):
        super().__init__([value])
        self.device = None
        self.sharding = None

    def __getitem__(self, i):
        dev = self.device
        if dev is not None:
            reader = sys._getframe(1).f_globals.get("thunk")
            if getattr(reader, "reads_device_arrays", False):
                return dev
            host = list.__getitem__(self, 0)
            if host is None:
                host = to_numpy(dev)           # a writable copy, kept until the next new value
                list.__setitem__(self, 0, host)
            return host
        return list.__getitem__(self, i)

    def __setitem__(self, i, v):
        if is_device_array(v):
            self.device = v
            list.__setitem__(self, 0, None)
        else:
            self.device = None
            list.__setitem__(self, i, v)

    def host_value(self):
        """The value as a NumPy array (copied from the device when only the device has it)."""
        host = list.__getitem__(self, 0)
        if host is None and self.device is not None:
            host = to_numpy(self.device)
            list.__setitem__(self, 0, host)
        return host

    def device_value(self, host=None):
        """The device array of the value; ``host``, when given, must be the host value the caller
        read (else None: the cell changed in between). Uploads the host value once."""
        current = list.__getitem__(self, 0)
        if host is not None and host is not current:
            return None
        if self.device is None:
            if current is None:
                return None
            self.device = upload(current, self.sharding)
        return self.device

    def to_device(self):
        """Copy the host value to the device now (``set_value``)."""
        if self.device is None and list.__getitem__(self, 0) is not None:
            self.device_value()

    # never pickled or deep-copied with device arrays: a plain list of the host value
    def __reduce__(self):
        return (list, ([self.host_value()],))

    def __deepcopy__(self, memo):
        import copy

        return [copy.deepcopy(self.host_value(), memo)]

    def __repr__(self):
        where = "device" if self.device is not None else "host"
        return f"DeviceCell({where}: {self.host_value()!r})"


def install(container):
    """Give ``container`` (a shared tensor variable's) a DeviceCell as its storage; the cell."""
    storage = container.storage
    if isinstance(storage, DeviceCell):
        return storage
    cell = DeviceCell(storage[0])
    container.storage = cell
    return cell
