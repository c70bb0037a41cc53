"""A layered (Sugiyama-style) layout of a directed acyclic graph, in pure Python.

Steps: nodes are put on layers (longest path from the sources; sources that are not the graph's
main inputs sit just above their first user), edges that skip layers get invisible bend points
on each layer they cross, the order inside each layer is improved by barycenter sweeps (keeping
the order with the fewest crossings), and x positions are relaxed towards the neighbours'
positions while keeping the nodes of a layer apart.
"""

from collections import defaultdict

__all__ = ["layered_layout", "count_crossings"]


def _topological(ids, succ, pred):
    """``ids`` in an order where every edge goes forward (stable: the given order wins ties)."""
    indeg = {n: len(pred[n]) for n in ids}
    index = {n: k for k, n in enumerate(ids)}
    import heapq

    ready = [(index[n], n) for n in ids if indeg[n] == 0]
    heapq.heapify(ready)
    out = []
    while ready:
        _, n = heapq.heappop(ready)
        out.append(n)
        for m in succ[n]:
            indeg[m] -= 1
            if indeg[m] == 0:
                heapq.heappush(ready, (index[m], m))
    if len(out) != len(ids):
        raise ValueError("layered_layout: the graph has a cycle")
    return out


def _layers(ids, succ, pred, pinned_top):
    layer = {}
    ids = _topological(ids, succ, pred)
    for n in ids:
        layer[n] = 1 + max((layer[p] for p in pred[n]), default=-1)
    # sources other than the pinned ones (constants, shared variables) move down next to their
    # first user, so that they do not drag long edges across the whole picture
    for n in reversed(ids):
        if not pred[n] and n not in pinned_top and succ[n]:
            layer[n] = max(layer[n], min(layer[s] for s in succ[n]) - 1)
    return layer


def count_crossings(upper, lower, edges_between):
    """Crossings between two consecutive layers (``upper``/``lower``: lists of ids in order)."""
    pu = {n: k for k, n in enumerate(upper)}
    pl = {n: k for k, n in enumerate(lower)}
    segs = sorted((pu[a], pl[b]) for a, b in edges_between if a in pu and b in pl)
    # count inversions of the lower positions (merge sort)
    seq = [b for _, b in segs]

    def sort_count(a):
        if len(a) <= 1:
            return a, 0
        mid = len(a) // 2
        left, x = sort_count(a[:mid])
        right, y = sort_count(a[mid:])
        merged, inv, i, j = [], x + y, 0, 0
        while i < len(left) and j < len(right):
            if right[j] < left[i]:
                merged.append(right[j])
                inv += len(left) - i
                j += 1
            else:
                merged.append(left[i])
                i += 1
        merged += left[i:] + right[j:]
        return merged, inv

    return sort_count(seq)[1]


def layered_layout(ids, sizes, edges, pinned_top=(), layer_gap=56.0, node_gap=28.0, sweeps=12,
                   margin=30.0, max_bends=None):
    """Lay out a DAG.

    ``ids``: node ids (their order breaks ties); ``sizes``: id -> (width, height); ``edges``: list of
    (src, dst). Returns ``(pos, routes, (width, height))``: pos[id] = (x, y) of the node's
    center, routes[k] = the points edge k passes through (from the bottom of its source to the
    top of its destination), and the size of the drawing. At most ``max_bends`` bend points
    (default: 4 per node + 2000) are made: beyond that the longest edges go straight."""
    ids = list(ids)
    known = set(ids)
    for a, b in edges:
        if a not in known or b not in known:
            raise ValueError(f"layered_layout: edge {a!r} -> {b!r} joins an unknown node")
    succ, pred = defaultdict(list), defaultdict(list)
    for a, b in edges:
        succ[a].append(b)
        pred[b].append(a)
    layer = _layers(ids, succ, pred, set(pinned_top))

    # bend points for edges spanning several layers
    width = dict((n, float(sizes[n][0])) for n in ids)
    height = dict((n, float(sizes[n][1])) for n in ids)
    chains = []
    up, down = defaultdict(list), defaultdict(list)  # adjacency between consecutive layers
    n_dummy = 0
    # bend points cost time (sweeps) and space: when a graph has many long edges (an input used
    # by every node of a long chain), the longest are drawn as direct curves instead
    spans = sorted((layer[b] - layer[a] - 1 for a, b in edges), reverse=True)
    budget = max_bends if max_bends is not None else 4 * len(ids) + 2000
    limit, total = None, sum(spans)
    for sp in spans:
        if total <= budget:
            break
        total -= sp
        limit = sp  # edges spanning this many layers or more get no bend points
    for a, b in edges:
        chain = [a]
        if limit is not None and layer[b] - layer[a] - 1 >= limit:
            chains.append([a, b])
            continue
        for lay in range(layer[a] + 1, layer[b]):
            d = ("dummy", n_dummy)
            n_dummy += 1
            layer[d] = lay
            width[d], height[d] = 2.0, 0.0
            chain.append(d)
        chain.append(b)
        for u, v in zip(chain, chain[1:]):
            down[u].append(v)
            up[v].append(u)
        chains.append(chain)
    n_layers = 1 + max(layer.values(), default=0)
    rows = [[] for _ in range(n_layers)]
    for n in ids:
        rows[layer[n]].append(n)
    for chain in chains:
        for d in chain[1:-1]:
            rows[layer[d]].append(d)

    def between(k):
        return [(u, v) for u in rows[k] for v in down[u]]

    def total_crossings(rs):
        return sum(count_crossings(rs[k], rs[k + 1], [(u, v) for u in rs[k] for v in down[u]])
                   for k in range(len(rs) - 1))

    # ordering: barycenter sweeps, keep the best
    best = [list(r) for r in rows]
    best_c = total_crossings(best) if len(ids) < 3000 else None
    for it in range(sweeps if best_c else 0):
        order = range(1, n_layers) if it % 2 == 0 else range(n_layers - 2, -1, -1)
        for k in order:
            ref = rows[k - 1] if it % 2 == 0 else rows[k + 1]
            pos = {n: i for i, n in enumerate(ref)}
            nbrs = up if it % 2 == 0 else down
            cur = {n: i for i, n in enumerate(rows[k])}

            def key(n):
                ps = [pos[m] for m in nbrs[n] if m in pos]
                return (sum(ps) / len(ps)) if ps else cur[n]

            rows[k].sort(key=key)
        c = total_crossings(rows)
        if c < best_c:
            best, best_c = [list(r) for r in rows], c
            if c == 0:
                break
    rows = best

    # x positions: packed, then relaxed towards the neighbours' mean, keeping the gaps
    x = {}
    for r in rows:
        total = sum(width[n] for n in r) + node_gap * max(len(r) - 1, 0)
        cx = -total / 2.0
        for n in r:
            x[n] = cx + width[n] / 2.0
            cx += width[n] + node_gap

    def gap(a, b):
        g = node_gap if not (isinstance(a, tuple) or isinstance(b, tuple)) else node_gap / 2.0
        return (width[a] + width[b]) / 2.0 + g

    def place(r, want):
        fwd = list(want)
        for i in range(1, len(r)):
            fwd[i] = max(fwd[i], fwd[i - 1] + gap(r[i - 1], r[i]))
        bwd = list(want)
        for i in range(len(r) - 2, -1, -1):
            bwd[i] = min(bwd[i], bwd[i + 1] - gap(r[i], r[i + 1]))
        return [(a + b) / 2.0 for a, b in zip(fwd, bwd)]

    for it in range(8):
        order = range(n_layers) if it % 2 == 0 else range(n_layers - 1, -1, -1)
        for k in order:
            r = rows[k]
            want = []
            for n in r:
                nb = up[n] + down[n]
                want.append(sum(x[m] for m in nb) / len(nb) if nb else x[n])
            for n, v in zip(r, place(r, want)):
                x[n] = v

    # y positions: one band per layer, as tall as its tallest node
    y = {}
    top = margin
    for r in rows:
        h = max((height[n] for n in r), default=0.0)
        for n in r:
            y[n] = top + h / 2.0
        top += h + layer_gap
    left = min((x[n] - width[n] / 2.0 for n in x), default=0.0)
    right = max((x[n] + width[n] / 2.0 for n in x), default=0.0)
    shift = margin - left
    pos = {n: (x[n] + shift, y[n]) for n in ids}
    routes = []
    for chain in chains:
        a, b = chain[0], chain[-1]
        pts = [(x[a] + shift, y[a] + height[a] / 2.0)]
        pts += [(x[d] + shift, y[d]) for d in chain[1:-1]]
        pts.append((x[b] + shift, y[b] - height[b] / 2.0))
        routes.append(pts)
    size = (right - left + 2 * margin, max(top - layer_gap + margin, 2 * margin))
    return pos, routes, size
