"""Node schedules: orders of a graph's Apply nodes chosen by comparators (Theano 1.0's
``theano.gof.sched``).

A comparator is ``cmp(a, b)``: negative when ``a`` should run before ``b``, positive when after,
0 when it does not care. ``posort`` orders a list so that each comparator is followed unless an
earlier one (or the transitive consequence of one) decided otherwise; ``sort_schedule_fn(*cmps)``
makes a ``schedule`` for the linkers (``gof.OpWiseCLinker(schedule=...)``,
``gof.vm.VM_Linker(schedule=...)``), which always keeps dependencies first.
"""

from theano.graph.basic import list_of_nodes


def make_depends():
    """``depends((a, b))``: whether Apply node ``a`` depends on the results of ``b`` (directly
    or through other nodes); answers are cached."""
    cache = {}

    def depends(pair):
        a, b = pair
        if a is b:
            return False
        key = (a, b)
        if key in cache:
            return cache[key]
        # walk a's ancestors (iteratively)
        seen = set()
        stack = [v.owner for v in a.inputs if v.owner is not None]
        found = False
        while stack:
            n = stack.pop()
            if n is b:
                found = True
                break
            if n in seen:
                continue
            seen.add(n)
            stack.extend(v.owner for v in n.inputs if v.owner is not None)
        cache[key] = found
        return found

    return depends


def make_dependence_cmp():
    """A comparator of Apply nodes: 1 when ``a`` depends on ``b`` (``a`` must come after), -1
    when ``b`` depends on ``a``, 0 when neither."""
    depends = make_depends()

    def dependence(a, b):
        if depends((a, b)):
            return 1
        if depends((b, a)):
            return -1
        return 0

    return dependence


def reverse_dict(d):
    """``{value: tuple of the keys whose value collections hold it}``."""
    out = {}
    for key, values in d.items():
        for v in values:
            out[v] = out.get(v, ()) + (key,)
    return out


def _toposort(edges):
    """An order of the nodes of ``edges`` (``{a: collection of the nodes that come after a}``)
    with every node before its successors; ties keep the order nodes are first met in. A cycle
    is a ValueError."""
    nodes = []
    seen = set()
    for a, succ in edges.items():
        for n in (a, *succ):
            if n not in seen:
                seen.add(n)
                nodes.append(n)
    indeg = {n: 0 for n in nodes}
    for a, succ in edges.items():
        for b in set(succ):
            indeg[b] += 1
    rank = {n: i for i, n in enumerate(nodes)}
    import heapq

    ready = [rank[n] for n in nodes if indeg[n] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        n = nodes[heapq.heappop(ready)]
        order.append(n)
        for b in set(edges.get(n, ())):
            indeg[b] -= 1
            if indeg[b] == 0:
                heapq.heappush(ready, rank[b])
    if len(order) != len(nodes):
        raise ValueError("_toposort: the edges have a cycle")
    return order


def posort(items, *cmps):
    """``items`` ordered by the comparators ``cmps``, the earlier ones taking precedence: for
    each comparator in turn, each pair it orders is ordered so unless the orderings already
    decided (with their transitive consequences) say otherwise."""
    items = list(items)
    before = {i: set() for i in range(len(items))}   # indices that must come before i
    after = {i: set() for i in range(len(items))}    # indices that must come after i

    def link(a, b):     # a before b, and everything before a before everything after b
        firsts = before[a] | {a}
        lasts = after[b] | {b}
        for x in firsts:
            after[x] |= lasts
        for y in lasts:
            before[y] |= firsts

    n = len(items)
    for cmp in cmps:
        for a in range(n):
            for b in range(n):
                if a == b:
                    continue
                if cmp(items[a], items[b]) < 0 and b not in before[a] and b not in after[a]:
                    link(a, b)
    order = _toposort({i: after[i] for i in range(n)})
    return [items[i] for i in order]


def sort_apply_nodes(inputs, outputs, cmps):
    """The Apply nodes between ``inputs`` and ``outputs``, dependencies first, then ordered by
    the comparators ``cmps``."""
    return posort(list_of_nodes(inputs, outputs), make_dependence_cmp(), *cmps)


def sort_schedule_fn(*cmps):
    """A linker ``schedule(fgraph)``: its nodes by ``sort_apply_nodes`` with these comparators."""
    dependence = make_dependence_cmp()

    def schedule(fgraph):
        return posort(list_of_nodes(fgraph.inputs, fgraph.outputs), dependence, *cmps)

    return schedule


def key_to_cmp(key):
    """The comparator that orders by ``key(x)``."""

    def cmp(a, b):
        ka, kb = key(a), key(b)
        return (ka > kb) - (ka < kb)

    return cmp


__all__ = ["make_depends", "make_dependence_cmp", "reverse_dict", "posort", "sort_apply_nodes",
           "sort_schedule_fn", "key_to_cmp"]
