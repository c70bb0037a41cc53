"""The static cost table that chooses between a Numba loop and NumPy ufuncs for an Elemwise node:
per-element costs of each scalar op on both, fixed per-call costs, and ``program_costs``. Fixed
numbers (measured once on the reference machine), never timings taken at run time, so the path
of a node is a function of static facts and input sizes only."""


# Elements of the output per NumPy chunk the cost model assumes (the runner's CHUNK).
COST_CHUNK = 8192
# Fixed cost of a NumPy call and of a Numba dispatch, in ns (measured on the reference machine).
NUMPY_CALL_NS = 500.0
NUMBA_CALL_NS = 700.0

# Per-element cost in ns (Numba loop, NumPy ufunc on cached data), float64 / float32. The Numba
# costs of exp, log, log1p, expm1, sin, cos, tanh, sigmoid and softplus are those of vmath's
# vectorized functions (computed in float64 for float32 too), the others libm's or LLVM's.
_COSTS = {
    "exp": ((1.05, 0.75), (0.95, 0.48)), "log": ((1.2, 0.93), (1.15, 0.43)),
    "log1p": ((1.3, 1.13), (1.25, 0.5)), "sin": ((1.0, 6.2), (0.95, 0.55)),
    "cos": ((1.0, 5.5), (0.95, 0.57)), "tanh": ((1.55, 1.33), (1.3, 0.32)),
    "sqrt": ((0.9, 0.9), (0.3, 0.27)), "sigmoid": ((1.05, 4.7), (1.0, 3.1)),
    "expm1": ((1.25, 1.1), (1.1, 0.37)), "pow": ((10.3, 2.3), (14.3, 1.05)),
    "true_div": ((0.7, 0.67), (0.3, 0.31)), "erf": ((8.8, 8.6), (7.6, 9.4)),
    "log2": ((4.5, 1.0), (3.0, 0.5)), "log10": ((4.5, 1.0), (3.0, 0.5)),
    "softplus": ((4.0, 6.0), (3.0, 4.0)),
}
_DEFAULT_COST = ((0.25, 0.4), (0.15, 0.25))
# ns per element NumPy must save over the Numba loop for a program to count as libm-heavy (the
# whole-graph tier weighs such programs by their sizes)
HEAVY_GAIN_NS = 1.0


def program_costs(prog):
    """(Numba ns per element, NumPy ns per element, number of NumPy calls)."""
    nb = npc = 0.0
    for sop, args, res, od in prog.steps:
        f32 = od == "float32"
        c = _COSTS.get(sop.name, _DEFAULT_COST)
        nb += c[f32][0]
        npc += c[f32][1]
    return nb, npc, len(prog.steps)
