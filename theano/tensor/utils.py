"""Theano 1.0's ``theano.tensor.utils``: ``hash_from_ndarray`` (a hash of an array's value) and
``shape_of_variables`` (the numeric shape of every variable of a graph, given its inputs')."""

import hashlib

import numpy as np


def hash_from_ndarray(data):
    """A hex digest of the array ``data``: its dtype, shape and elements in C order. A view and
    its copy hash alike; arrays that differ in dtype, shape or any element hash differently."""
    data = np.asarray(data)
    h = hashlib.md5()
    h.update(f"{data.dtype.str}|{data.shape}|".encode())
    h.update(np.ascontiguousarray(data).tobytes())
    return h.hexdigest()


def shape_of_variables(fgraph, input_shapes):
    """``{variable: shape tuple}`` for every tensor variable of ``fgraph``, computed from the
    shapes of its inputs (``input_shapes``: {input: tuple}) by the ops' ``infer_shape``.

    The keys of ``input_shapes`` must be the graph's own inputs: build the FunctionGraph with
    ``clone=False`` (a ValueError otherwise, as in Theano 1.0)."""
    from theano.compile.function import function
    from theano.tensor.rewriting.shape_feature import ShapeFeature
    from theano.tensor.type import TensorType

    missing = [k for k in input_shapes if k not in fgraph.inputs]
    if missing:
        raise ValueError(
            f"shape_of_variables: {', '.join(map(str, missing))} is not an input of the "
            "FunctionGraph; FunctionGraph clones the graph it is given unless built with "
            "clone=False, so give it clone=False (or use its own inputs, fgraph.inputs)")
    absent = [i for i in fgraph.inputs if isinstance(i.type, TensorType) and i not in input_shapes]
    if absent:
        raise ValueError(f"shape_of_variables: no shape given for the input(s) "
                         f"{', '.join(map(str, absent))}")
    feature = getattr(fgraph, "shape_feature", None)
    if feature is None:
        feature = ShapeFeature()
        fgraph.attach_feature(feature)
    variables = [v for v in fgraph.variables if isinstance(v.type, TensorType)]
    shapes = {v: feature.shape_tuple(v) for v in variables}
    in_dims = [d for i in fgraph.inputs if i in input_shapes for d in shapes[i]]
    values = [int(n) for i in fgraph.inputs if i in input_shapes for n in input_shapes[i]]
    for i in fgraph.inputs:
        if i in input_shapes and len(input_shapes[i]) != i.ndim:
            raise ValueError(f"shape_of_variables: {i} has {i.ndim} dimensions, its given shape "
                             f"{tuple(input_shapes[i])} has {len(input_shapes[i])}")
    out_dims = [d for v in variables for d in shapes[v]]
    compute = function(in_dims, out_dims, on_unused_input="ignore", mode="FAST_COMPILE")
    numbers = iter(compute(*values) if out_dims else [])
    return {v: tuple(int(next(numbers)) for _ in shapes[v]) for v in variables}
