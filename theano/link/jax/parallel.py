"""Data parallelism for JAX functions: ``theano.Mode(linker='jax', data_parallel=True)``.

The function's explicit inputs of one or more dimensions are split along axis 0 across the devices
of a 1-D mesh (``jax.sharding.Mesh`` over every device, axis name ``'batch'``); shared variables,
scalars and random keys are replicated on every device. The graph is jitted once for the global
shapes, so it computes exactly what it computes on one device: XLA partitions each op and inserts
the collectives (the sum over the batch in a gradient becomes an all-reduce), and every output comes
back replicated. A batch whose first dimension the device count does not divide is refused with an
error naming the input.

Several hosts (``jax.distributed.initialize``, one process per host, see examples/jax_multihost.py):
the mesh spans the devices of every process; each process passes *its own part* of the batch (the
global batch is the processes' parts one after another, in process order), shared variables must
hold the same values in every process, and every process gets the same (replicated) outputs.
"""

import numpy as np

__all__ = ["DataParallel"]


class DataParallel:
    """The mesh and shardings of a data-parallel JAX function."""

    axis = "batch"

    def __init__(self, fgraph):
        import jax
        from jax.sharding import Mesh, NamedSharding, PartitionSpec

        self.devices = jax.devices()
        self.n_devices = len(self.devices)
        self.n_processes = jax.process_count()
        self.n_local = jax.local_device_count()
        self.mesh = Mesh(np.array(self.devices), (self.axis,))
        self.split = NamedSharding(self.mesh, PartitionSpec(self.axis))
        self.replicated = NamedSharding(self.mesh, PartitionSpec())
        n_explicit = getattr(fgraph, "n_explicit_inputs", len(fgraph.inputs))
        self.names = [v.name or f"at index {i}" for i, v in enumerate(fgraph.inputs)]
        # explicit tensor inputs with a first axis are split; the rest is replicated
        self.split_pos = {i for i, v in enumerate(fgraph.inputs[:n_explicit])
                          if getattr(v.type, "ndim", 0) >= 1}

    def __repr__(self):
        return f"DataParallel({self.n_devices} devices, {self.n_processes} process(es))"

    def _check_rows(self, i, value):
        rows = int(np.shape(value)[0])
        parts = self.n_local if self.n_processes > 1 else self.n_devices
        if rows % parts:
            what = "this process's part of the batch" if self.n_processes > 1 else "the batch"
            raise ValueError(
                f"data_parallel: the input {self.names[i]!r} has {rows} rows along axis 0 "
                f"({what}), which {parts} devices cannot share equally; give a batch whose first "
                f"dimension is a multiple of {parts}")

    def place(self, i, value):
        """Input ``i`` on the mesh: split along axis 0 or replicated."""
        import jax

        if i in self.split_pos:
            self._check_rows(i, value)
            if self.n_processes > 1:
                return jax.make_array_from_process_local_data(self.split, np.asarray(value))
            return jax.device_put(value, self.split)
        if getattr(value, "sharding", None) == self.replicated:
            return value
        if self.n_processes > 1 and not isinstance(value, jax.Array):
            value = np.asarray(value)
            return jax.make_array_from_callback(value.shape, self.replicated,
                                                lambda idx: value[idx])
        return jax.device_put(value, self.replicated)
