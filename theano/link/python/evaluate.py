"""A demand-driven evaluator for tools that wrap every node (DebugMode, MonitorMode, NanGuardMode).

``evaluate(variables, memo, run_node)`` computes ``variables`` from ``memo`` (a dict of known
values, filled in as it goes: one per call, so concurrent calls share nothing). Only what the
variables need is computed, and lazy ops (ifelse) are asked which inputs they still need, so an
untaken branch is never run. The walk uses an explicit stack, not recursion.

``run_node(node, args)`` returns the list of output values of a non-lazy node; ``lazy_hook(node,
input_cells, computed, output_cells)``, when given, runs a lazy node's ``lazy_perform`` (so that the
tool can wrap it too).
"""

from theano.graph.basic import Constant


def _lazy_perform(node, input_cells, computed, output_cells):
    return node.op.lazy_perform(node, input_cells, computed, output_cells)


def evaluate(variables, memo, run_node, lazy_hook=_lazy_perform):
    stack = list(reversed(variables))
    while stack:
        v = stack[-1]
        if v in memo:
            stack.pop()
            continue
        if isinstance(v, Constant):
            memo[v] = v.data
            stack.pop()
            continue
        node = v.owner
        if node is None:
            raise ValueError(f"no value was given for the input {v}")
        if getattr(node.op, "lazy", False):
            computed = [inp in memo or isinstance(inp, Constant) for inp in node.inputs]
            in_cells = [[memo[inp] if inp in memo else (inp.data if isinstance(inp, Constant)
                                                          else None)] for inp in node.inputs]
            out_cells = [[None] for _ in node.outputs]
            needed = lazy_hook(node, in_cells, computed, out_cells)
            if needed:
                missing = [node.inputs[k] for k in needed if not computed[k]]
                if not missing:
                    raise RuntimeError(f"{node.op} asked again for inputs that are computed")
                stack.extend(reversed(missing))
                continue
            for out, cell in zip(node.outputs, out_cells):
                memo[out] = cell[0]
            stack.pop()
            continue
        missing = [i for i in node.inputs if i not in memo and not isinstance(i, Constant)]
        if missing:
            stack.extend(reversed(missing))
            continue
        args = [memo[i] if i in memo else i.data for i in node.inputs]
        for out, val in zip(node.outputs, run_node(node, args)):
            memo[out] = val
        stack.pop()
    return [memo[v] for v in variables]
