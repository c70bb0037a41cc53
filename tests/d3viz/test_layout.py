"""The layered layout behind theano.d3viz."""

import itertools
import random

import pytest

from theano.d3viz.layout import count_crossings, layered_layout


def _brute_crossings(upper, lower, edges):
    pu = {n: k for k, n in enumerate(upper)}
    pl = {n: k for k, n in enumerate(lower)}
    c = 0
    for (a, b), (c_, d) in itertools.combinations(edges, 2):
        if (pu[a] - pu[c_]) * (pl[b] - pl[d]) < 0:
            c += 1
    return c


def test_count_crossings_matches_brute_force():
    rng = random.Random(3)
    for _ in range(50):
        upper = [f"u{k}" for k in range(rng.randint(1, 6))]
        lower = [f"l{k}" for k in range(rng.randint(1, 6))]
        edges = list({(rng.choice(upper), rng.choice(lower)) for _ in range(rng.randint(0, 12))})
        assert count_crossings(upper, lower, edges) == _brute_crossings(upper, lower, edges)
    assert count_crossings(["a", "b"], ["c", "d"], [("a", "d"), ("b", "c")]) == 1


def _check_layout(ids, sizes, edges, pinned=()):
    pos, routes, (w, h) = layered_layout(ids, sizes, edges, pinned_top=pinned)
    assert set(pos) == set(ids) and len(routes) == len(edges)
    for n, (x, y) in pos.items():  # inside the drawing
        assert x - sizes[n][0] / 2 >= 0 and x + sizes[n][0] / 2 <= w
        assert y - sizes[n][1] / 2 >= 0 and y + sizes[n][1] / 2 <= h
    for (a, b), pts in zip(edges, routes):  # edges go down, from a's bottom to b's top
        assert pos[a][1] < pos[b][1]
        assert pts[0] == (pos[a][0], pos[a][1] + sizes[a][1] / 2)
        assert pts[-1] == (pos[b][0], pos[b][1] - sizes[b][1] / 2)
        assert all(p[1] <= q[1] for p, q in zip(pts, pts[1:]))
    # nodes on one band do not overlap
    for n1, n2 in itertools.combinations(ids, 2):
        (x1, y1), (x2, y2) = pos[n1], pos[n2]
        if abs(y1 - y2) < (sizes[n1][1] + sizes[n2][1]) / 2:
            assert abs(x1 - x2) >= (sizes[n1][0] + sizes[n2][0]) / 2 - 1e-6, (n1, n2)
    return pos, routes


def test_layout_chain_diamond_and_long_edges():
    ids = ["x", "a", "b", "c", "d", "out"]
    sizes = {n: (60.0 + 10 * k, 30.0) for k, n in enumerate(ids)}
    edges = [("x", "a"), ("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("x", "d"), ("d", "out")]
    pos, routes = _check_layout(ids, sizes, edges, pinned=["x"])
    # the long edge x -> d bends on the band it crosses
    assert len(routes[5]) == 4
    # b and c share a band, a is above both, d below
    assert pos["b"][1] == pos["c"][1]
    assert pos["a"][1] < pos["b"][1] < pos["d"][1] < pos["out"][1]


def test_layout_moves_unpinned_sources_next_to_their_user():
    ids = ["x", "a", "b", "c", "k"]
    sizes = {n: (40.0, 30.0) for n in ids}
    edges = [("x", "a"), ("a", "b"), ("b", "c"), ("k", "c")]
    pos, _ = _check_layout(ids, sizes, edges, pinned=["x"])
    assert pos["k"][1] == pos["b"][1]  # the constant sits just above its user
    assert pos["x"][1] < pos["a"][1]


def test_layout_removes_avoidable_crossings():
    # two independent chains given in an order that crosses: the sweeps must untangle them
    ids = ["a1", "a2", "b2", "b1"]
    sizes = {n: (40.0, 30.0) for n in ids}
    edges = [("a1", "b1"), ("a2", "b2")]
    pos, _ = _check_layout(ids, sizes, edges)
    assert (pos["a1"][0] < pos["a2"][0]) == (pos["b1"][0] < pos["b2"][0])


def test_layout_random_dags():
    rng = random.Random(0)
    for trial in range(10):
        n = rng.randint(2, 40)
        ids = [f"n{k}" for k in range(n)]
        edges = list({(ids[i], ids[j]) for _ in range(2 * n)
                      for i, j in [sorted(rng.sample(range(n), 2))]})
        sizes = {k: (rng.uniform(20, 200), rng.choice([30.0, 45.0])) for k in ids}
        _check_layout(ids, sizes, edges, pinned=ids[:1])


def test_layout_rejects_unknown_nodes():
    with pytest.raises(ValueError, match="unknown node"):
        layered_layout(["a"], {"a": (1, 1)}, [("a", "b")])


def test_layout_rejects_cycles():
    with pytest.raises(ValueError, match="cycle"):
        layered_layout(["a", "b"], {"a": (1, 1), "b": (1, 1)}, [("a", "b"), ("b", "a")])


def test_layout_bounds_the_bend_points_of_many_long_edges():
    # a chain whose every node also reads the first node: n*(n-1)/2 bend points unbounded
    n = 400
    ids = [f"c{k}" for k in range(n)]
    edges = [(ids[k], ids[k + 1]) for k in range(n - 1)] + [(ids[0], ids[k]) for k in range(2, n)]
    sizes = {i: (50.0, 30.0) for i in ids}
    pos, routes = _check_layout(ids[:60], {i: sizes[i] for i in ids[:60]},
                                [(a, b) for a, b in edges if a in ids[:60] and b in ids[:60]])
    pos, routes, _ = layered_layout(ids, sizes, edges, max_bends=500)
    bends = sum(len(r) - 2 for r in routes)
    assert bends <= 500
    long_edge = edges.index((ids[0], ids[-1]))
    assert len(routes[long_edge]) == 2  # drawn straight
    assert all(pos[a][1] < pos[b][1] for a, b in edges)
    short = edges.index((ids[0], ids[3]))
    assert len(routes[short]) == 4  # short ones still bend through the layers they cross
