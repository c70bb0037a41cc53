"""theano.d3viz: the interactive HTML view of a graph, checked in a real headless browser when
one is installed."""

import json
import os
import re
import shutil
import struct
import subprocess
import zlib

import numpy as np
import pytest

import theano
import theano.tensor as T
import theano.d3viz as d3v
from theano.d3viz.model import build_model

MODES = ["FAST_COMPILE", None]  # the reference VM and the default (Numba) backend


def _mlp(name_x="x"):
    rng = np.random.RandomState(0)
    x = T.dmatrix(name_x)
    wh = theano.shared(rng.normal(0, 1, (6, 5)), name="wh")
    bh = theano.shared(np.zeros(5), name="bh")
    h = T.nnet.sigmoid(T.dot(x, wh) + bh)
    wy = theano.shared(rng.normal(0, 1, (5, 3)), name="wy")
    y = T.nnet.softmax(T.dot(h, wy))
    ref = lambda xv: _softmax(_sigmoid(xv @ wh.get_value() + bh.get_value()) @ wy.get_value())  # noqa: E731
    return x, y, ref


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _softmax(a):
    e = np.exp(a - a.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _page_data(text):
    m = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', text, re.S)
    assert m, "the page embeds its graph"
    return json.loads(m.group(1))


@pytest.mark.parametrize("mode", MODES)
def test_model_has_a_node_per_apply_and_variable(mode):
    x, y, ref = _mlp()
    f = theano.function([x], y, mode=mode)
    xv = np.random.RandomState(1).normal(size=(4, 6))
    for _ in range(2):
        np.testing.assert_allclose(f(xv), ref(xv), rtol=1e-10)
    topo = f.maker.fgraph.toposort()
    m = build_model(f)
    applies = [n for n in m["nodes"] if n["kind"] == "apply"]
    assert [n["title"] for n in applies] == [str(n.op) for n in topo]
    assert [n["details"]["op class"].rsplit(".", 1)[1] for n in applies] == \
        [type(n.op).__name__ for n in topo]
    kinds = {n["title"]: n["kind"] for n in m["nodes"] if n["kind"] != "apply"}
    assert kinds["x"] == "input"
    assert {k for k, v in kinds.items() if v == "shared"} == {"wh", "bh", "wy"}
    assert sum(n["kind"] == "output" for n in m["nodes"]) == 1
    ids = {n["id"]: n for n in m["nodes"]}
    for node, entry in zip(topo, applies):
        into = [e for e in m["edges"] if e["dst"] == entry["id"]]
        assert len(into) == len(node.inputs)
        for e, inp in zip(into, node.inputs):
            src = ids[e["src"]]
            if inp.owner is not None:
                assert src["title"] == str(inp.owner.op)
            assert str(inp.type) in e["label"]
    out = [n for n in m["nodes"] if n["kind"] == "output"][0]
    assert out["details"]["static shape"] == "(?, ?)"
    assert out["details"]["dtype"] == "float64"
    assert m["profile"] is None


def test_model_profile_times_updates_and_constants():
    x = T.dvector("x")
    s = theano.shared(np.zeros(3), name="acc")
    f = theano.function([x], (x * 3).sum(), updates=[(s, s + x)], profile=True)
    for _ in range(3):
        f(np.arange(3.0))
    np.testing.assert_allclose(s.get_value(), [0.0, 3.0, 6.0])
    m = build_model(f)
    applies = [n for n in m["nodes"] if n["kind"] == "apply"]
    assert all("time" in n["details"] and n["time"] >= 0 for n in applies)
    assert abs(sum(n["share"] for n in applies) - 1.0) < 1e-9
    assert m["profile"]["calls"] == 3
    recorded = f.profile.apply_time
    for n, node in zip(applies, f.maker.fgraph.toposort()):
        assert n["time"] == pytest.approx(recorded.get(node, 0.0))
        assert len(n["label"]) == 2 and "%" in n["label"][1]  # the time is drawn under the op
    outs = [n for n in m["nodes"] if n["kind"] == "output"]
    assert sorted(n["title"] for n in outs) == ["acc (update)", "output 0"]
    consts = [n for n in m["nodes"] if n["kind"] == "constant"]
    assert consts and all("value" in n["details"] for n in consts)


def test_page_is_self_contained_and_embeds_the_laid_out_graph(tmp_path):
    x, y, _ = _mlp()
    f = theano.function([x], y, mode="FAST_COMPILE")
    out = d3v.d3viz(f, str(tmp_path / "sub" / "graph.html"))
    assert out == str(tmp_path / "sub" / "graph.html")
    text = open(out, encoding="utf-8").read()
    # offline: no external script, stylesheet or image
    assert not re.search(r'<(script|link|img)[^>]+(src|href)=', text)
    assert "://" not in text.replace("http://www.w3.org/2000/svg", "")
    data = _page_data(text)
    assert len(data["nodes"]) == len(build_model(f)["nodes"])
    for n in data["nodes"]:
        assert 0 <= n["x"] <= data["width"] and 0 <= n["y"] <= data["height"]
    pos = {n["id"]: n for n in data["nodes"]}
    for e in data["edges"]:
        assert pos[e["src"]]["y"] < pos[e["dst"]]["y"]  # drawn top-down
        assert len(e["points"]) >= 2


def test_page_escapes_hostile_names(tmp_path):
    x = T.dvector("</script><script>document.title='pwned'</script>&<!--")
    f = theano.function([x], T.exp(x), mode="FAST_COMPILE")
    text = d3v.page_html(f)
    assert "<script>document.title" not in text
    assert text.count("</script>") == 2  # the data block and the program only
    data = _page_data(text)
    assert any(n["title"] == x.name for n in data["nodes"])


def test_d3write_and_bad_input(tmp_path):
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) * 2, mode="FAST_COMPILE")
    path = d3v.d3write(f, str(tmp_path / "g.dot"))
    text = open(path).read()
    assert text.startswith("digraph") and "Elemwise{exp,no_inplace}" in text
    with pytest.raises(TypeError, match="pydotprint expects"):
        d3v.d3viz(42, str(tmp_path / "x.html"))
    with pytest.raises(TypeError, match="outfile must be a path"):
        d3v.d3viz(f, 3)
    with pytest.raises(TypeError, match="unexpected arguments"):
        d3v.d3viz(f, str(tmp_path / "x.html"), True, "extra")
    # copy_deps is accepted (nothing to copy: the page has no dependencies)
    d3v.d3viz(f, str(tmp_path / "y.html"), copy_deps=False)


def test_scan_node_details_show_the_inner_graph():
    x = T.dvector("x")
    ys, _ = theano.scan(lambda v, acc: acc + T.exp(v), sequences=[x], outputs_info=[T.zeros_like(x[0])])
    f = theano.function([x], ys[-1], mode="FAST_COMPILE")
    for _ in range(2):
        np.testing.assert_allclose(f([0.0, 1.0]), 1 + np.e)
    scans = [n for n in build_model(f)["nodes"] if n.get("optype") == "Scan"]
    assert len(scans) == 1 and "exp" in scans[0]["details"]["inner graph"]


def _nested_ofg():
    x, y, z = T.dscalars("x", "y", "z")
    inner = theano.OpFromGraph([x, y], [x * y])
    middle = theano.OpFromGraph([x, y, z], [inner(x, y) + z])
    out = middle(x, y, z) + middle(z, y, x)
    return theano.function([x, y, z], out, mode="FAST_COMPILE")


def test_opfromgraph_inner_graphs_nest_and_are_shared():
    f = _nested_ofg()
    for _ in range(2):
        np.testing.assert_allclose(f(2.0, 3.0, 4.0), (2 * 3 + 4) + (4 * 3 + 2))
    m = build_model(f)
    ofgs = [n for n in m["nodes"] if n.get("optype") == "OpFromGraph"]
    assert len(ofgs) == 2 and ofgs[0]["inner"] is ofgs[1]["inner"]  # one op, one inner model
    middle = ofgs[0]["inner"]
    # the inner inputs keep their names (unnamed ones would read "inner input <k>")
    assert [n["title"] for n in middle["nodes"] if n["kind"] == "input"] == ["x", "y", "z"]
    nested = [n for n in middle["nodes"] if n.get("optype") == "OpFromGraph"]
    assert len(nested) == 1
    innermost = nested[0]["inner"]
    assert [n["title"] for n in innermost["nodes"] if n["kind"] == "apply"] == \
        ["Elemwise{mul,no_inplace}"]
    data = _page_data(d3v.page_html(f))
    laid = [n for n in data["nodes"] if n.get("optype") == "OpFromGraph"][0]["inner"]
    assert all("x" in n and "y" in n for n in laid["nodes"])


def test_unnamed_inner_inputs_are_numbered():
    a, b = T.dscalar(), T.dscalar()
    op = theano.OpFromGraph([a, b], [a - b])
    x, y = T.dscalars("x", "y")
    f = theano.function([x, y], op(y, x), mode="FAST_COMPILE")
    for _ in range(2):
        np.testing.assert_allclose(f(5.0, 2.0), -3.0)
    inner = [n for n in build_model(f)["nodes"] if n.get("optype") == "OpFromGraph"][0]["inner"]
    assert [n["title"] for n in inner["nodes"] if n["kind"] == "input"] == \
        ["inner input 0", "inner input 1"]


# ------------------------------------------------------------------ in a real browser

def _browser():
    for name in (os.environ.get("THEANO_TEST_BROWSER"), "chromium", "chromium-browser",
                 "google-chrome", "google-chrome-stable", "chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


needs_browser = pytest.mark.skipif(_browser() is None,
                                   reason="no headless Chromium/Chrome found")


def _run_browser(tmp_path, url, *flags):
    cmd = [_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--no-first-run", "--disable-extensions", f"--user-data-dir={tmp_path / 'profile'}",
           "--window-size=1200,800", *flags, url]
    proc = subprocess.run(cmd, capture_output=True, timeout=180)
    return proc


def _decode_png(data):
    """(width, height, rows of RGB tuples) of an 8-bit RGB/RGBA non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, color, _, _, interlace = hdr
    assert depth == 8 and color in (2, 6) and interlace == 0, hdr
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for r in range(h):
        ftype = raw[r * (stride + 1)]
        line = bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[k:k + 3]) for k in range(0, stride, bpp)])
        prev = line
    return w, h, rows


@needs_browser
def test_page_renders_in_headless_browser(tmp_path):
    x, y, ref = _mlp()
    f = theano.function([x], y, profile=True)
    xv = np.random.RandomState(2).normal(size=(5, 6))
    for _ in range(2):
        np.testing.assert_allclose(f(xv), ref(xv), rtol=1e-10)
    page = tmp_path / "mlp.html"
    d3v.d3viz(f, str(page))
    data = _page_data(page.read_text(encoding="utf-8"))

    proc = _run_browser(tmp_path, page.as_uri(), "--dump-dom")
    dom = proc.stdout.decode("utf-8", "replace")
    assert proc.returncode == 0, proc.stderr[-2000:]
    # the script ran and drew every node and edge
    assert f'data-rendered-nodes="{len(data["nodes"])}"' in dom
    assert f'data-rendered-edges="{len(data["edges"])}"' in dom
    assert len(re.findall(r'<g class="node kind-', dom)) == len(data["nodes"])
    assert len(re.findall(r'<g class="edge kind-', dom)) == len(data["edges"])
    for node in f.maker.fgraph.toposort():
        assert f">{str(node.op)[:47]}" in dom  # the op names are drawn as SVG text
    assert "profiled: 2 calls" in dom

    # a link into the page selects a node: the details panel lists its op and time
    softmax = [n for n in data["nodes"] if "Softmax" in n["title"]][0]
    proc = _run_browser(tmp_path, page.as_uri() + "#node=" + softmax["id"], "--dump-dom")
    dom = proc.stdout.decode("utf-8", "replace")
    table = re.search(r'<table id="details-table">(.*?)</table>', dom, re.S)
    assert table and "Softmax" in table.group(1) and ">time<" in table.group(1)
    proc = _run_browser(tmp_path, page.as_uri() + "#find=wy", "--dump-dom")
    assert 'class="node kind-shared match' in proc.stdout.decode("utf-8", "replace")


@needs_browser
def test_page_screenshot_is_a_drawn_graph(tmp_path):
    x, y, _ = _mlp()
    f = theano.function([x], y, mode="FAST_COMPILE")
    page = tmp_path / "mlp.html"
    d3v.d3viz(f, str(page))
    shot = tmp_path / "shot.png"
    proc = _run_browser(tmp_path, page.as_uri(), f"--screenshot={shot}")
    assert proc.returncode == 0 and shot.exists(), proc.stderr[-2000:]
    w, h, rows = _decode_png(shot.read_bytes())
    assert (w, h) == (1200, 800)
    counts = {}
    for row in rows[50:-40]:  # the drawing area, without the header and the legend
        for px in row[:850]:
            counts[px] = counts.get(px, 0) + 1

    def near(rgb, tol=12):
        return sum(n for px, n in counts.items() if all(abs(a - b) <= tol for a, b in zip(px, rgb)))

    # nodes are drawn in their colours: the input, the shared variables, apply nodes, output
    assert near((0x74, 0xD6, 0x6D)) > 200     # input x
    assert near((0xA9, 0xE8, 0xA3)) > 3 * 200  # wh, bh, wy
    assert near((0xFF, 0xD9, 0xDF)) > 1000    # apply ellipses
    assert near((0x6F, 0xB2, 0xFF)) > 200     # the output box
    dark = sum(n for px, n in counts.items() if sum(px) < 150)
    assert dark > 500                          # text and edges


@needs_browser
def test_page_opens_inner_graphs_in_browser(tmp_path):
    f = _nested_ofg()
    page = tmp_path / "ofg.html"
    d3v.d3viz(f, str(page))
    data = _page_data(page.read_text(encoding="utf-8"))
    ofg = [n for n in data["nodes"] if n.get("optype") == "OpFromGraph"][0]
    proc = _run_browser(tmp_path, page.as_uri() + "#node=" + ofg["id"], "--dump-dom")
    dom = proc.stdout.decode("utf-8", "replace")
    assert 'id="open-inner"' in dom and 'data-depth="0"' in dom
    proc = _run_browser(tmp_path, page.as_uri() + "#open=" + ofg["id"], "--dump-dom")
    dom = proc.stdout.decode("utf-8", "replace")
    assert 'data-depth="1"' in dom
    assert f'data-rendered-nodes="{len(ofg["inner"]["nodes"])}"' in dom
    assert len(re.findall(r'<g class="node kind-', dom)) == len(ofg["inner"]["nodes"])
    assert "(inner graph)</strong>" in dom and ">Elemwise{add,no_inplace}<" in dom
