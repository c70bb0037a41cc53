"""Generate docs/api.md, the reference list of theano-ng's supported API, from the code.

    python tools/gen_api_doc.py           # rewrite docs/api.md
    python tools/gen_api_doc.py --check   # exit 1 if docs/api.md is out of date
    python tools/gen_api_doc.py --stdout  # print the page

Each public name of the documented modules is listed with its kind, its signature (functions and
classes) and the first line of its docstring. tests/test_api_doc.py fails when the committed page
differs from what this script generates, so the page cannot drift from the code: after adding or
changing public names, run this script and commit docs/api.md.
"""

import argparse
import difflib
import importlib
import inspect
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(ROOT, "docs", "api.md")

# (module, title, what to list: "module" = its public names, "class:<Name>" = a class's methods)
SECTIONS = [
    ("theano", "theano", "module"),
    ("theano.tensor", "theano.tensor (import theano.tensor as T)", "module"),
    ("theano.tensor.nnet", "theano.tensor.nnet (T.nnet)", "module"),
    ("theano.tensor.nlinalg", "theano.tensor.nlinalg (T.nlinalg)", "module"),
    ("theano.tensor.slinalg", "theano.tensor.slinalg (T.slinalg)", "module"),
    ("theano.tensor.signal.pool", "theano.tensor.signal.pool", "module"),
    ("theano.tensor.shared_randomstreams", "RandomStreams (theano.tensor.shared_randomstreams)",
     "class:RandomStreams"),
    ("theano.sandbox.rng_mrg", "MRG_RandomStreams (theano.sandbox.rng_mrg)", "class:MRG_RandomStreams"),
    ("theano.tensor.raw_random", "theano.tensor.raw_random", "module"),
]

# names a module provides lazily (through its __getattr__), with where they live
EXTRA = {
    "theano": {"scan": "theano.scan:scan", "map": "theano.scan:map", "reduce": "theano.scan:reduce",
               "foldl": "theano.scan:foldl", "foldr": "theano.scan:foldr",
               "ifelse": "theano.ifelse:ifelse"},
}

# names bound to plain data (lists, numbers, loggers), which cannot carry a docstring of their own
DATA = {
    "theano": {
        "theano_logger": "The ``'theano'`` logger (level WARNING); theano's warnings and messages go there.",
        "logging_default_handler": "The stream handler of ``theano_logger``: ``LEVEL (logger): message`` on stderr.",
    },
    "theano.tensor": {
        "all_dtypes": "Every dtype a tensor may have, as strings.",
        "complex_dtypes": "The complex dtypes.",
        "continuous_dtypes": "The float and complex dtypes.",
        "discrete_dtypes": "``bool`` and the integer dtypes.",
        "float_dtypes": "The float dtypes.",
        "int_dtypes": "The signed integer dtypes.",
        "integer_dtypes": "The signed and unsigned integer dtypes.",
        "uint_dtypes": "The unsigned integer dtypes.",
        "constructor_names": "The names of the typed constructors (``dmatrix``, ``fvector``, ``imatrices``, ...).",
        **{f"float{bits}_{kind}": f"Theano 1.0's {'absolute' if kind == 'atol' else 'relative'} "
           f"tolerance of its ``_allclose`` for float{bits} (tests read and change it)."
           for bits in (16, 32, 64) for kind in ("atol", "rtol")},
    },
    "theano.tensor.nnet": {
        "ScalarSigmoid": "Theano 1.0's name of the scalar op class of ``sigmoid`` (``theano.scalar.basic.Sigmoid``).",
        "ScalarSoftplus": "Theano 1.0's name of the scalar op class of ``softplus`` (``theano.scalar.basic.Softplus``).",
        "scalar_sigmoid": "The scalar sigmoid op (the ``scalar_op`` of ``T.nnet.sigmoid``).",
        "scalar_softplus": "The scalar softplus op (the ``scalar_op`` of ``T.nnet.softplus``).",
    },
    "theano.tensor.slinalg": {
        "MATRIX_STRUCTURES": "The structures ``Solve(A_structure=...)`` accepts.",
    },
}

HEADER = """# theano-ng API reference

The supported API, one row per public name: its kind, its signature and the first line of its
docstring. This page is generated from the code by `python tools/gen_api_doc.py`; do not edit it by
hand (`tests/test_api_doc.py` fails when it is out of date).
"""

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _clean(text):
    text = _ADDRESS.sub("", text)
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _first_line(doc):
    """The first sentence of the first paragraph of a docstring (at most 200 characters)."""
    if not doc:
        return ""
    para = []
    for line in inspect.cleandoc(doc).splitlines():
        if not line.strip():
            if para:
                break
            continue
        para.append(line.strip())
    text = " ".join(para)
    m = re.search(r"[.!?](\s|$)", text)
    if m:
        text = text[: m.start() + 1]
    if len(text) > 200:
        text = text[:197].rstrip() + "..."
    return text


def _own_doc(obj):
    """The docstring an object itself has (not one only inherited from its class)."""
    doc = getattr(obj, "__doc__", None)
    if doc and not inspect.isclass(obj) and not inspect.isroutine(obj) and doc == type(obj).__doc__:
        return None
    return doc


def _signature(obj):
    try:
        sig = str(inspect.signature(obj))
    except (TypeError, ValueError):
        return ""
    return _clean(sig)


def describe(obj):
    """(kind, signature, summary) of a public object."""
    from theano.graph.op import Op
    from theano.tensor.elemwise import Elemwise

    if isinstance(obj, Elemwise):
        sop = obj.scalar_op
        doc = _own_doc(obj) or (type(sop).__doc__ if "__doc__" in vars(type(sop)) else None)
        summary = _first_line(doc) or f"elementwise {sop}"
        return "elementwise op", "", summary
    if isinstance(obj, Op):
        doc = _own_doc(obj) or type(obj).__doc__
        return "op", "", _first_line(doc)
    if inspect.isclass(obj):
        return "class", _signature(obj), _first_line(obj.__doc__)
    from theano.graph.type import Type

    if isinstance(obj, Type):
        return "type", "", _first_line(_own_doc(obj) or type(obj).__doc__) or str(obj)
    if inspect.isroutine(obj) or callable(obj):
        doc = _own_doc(obj) if not inspect.isroutine(obj) else obj.__doc__
        return "function", _signature(obj), _first_line(doc or getattr(type(obj), "__doc__", ""))
    doc = _own_doc(obj)
    if doc is None and type(obj).__module__.startswith("theano"):
        doc = type(obj).__doc__  # an instance of one of ours: what its class says (config, mgrid)
    return type(obj).__name__, "", _first_line(doc)


def _public_names(mod):
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n in dir(mod) if not n.startswith("_")]
    out = []
    for n in sorted(set(names)):
        try:
            obj = getattr(mod, n)
        except AttributeError:
            continue
        if inspect.ismodule(obj):
            continue
        out.append((n, obj))
    return out


def _rows(items, data=None):
    lines = ["| Name | Kind | Signature | Summary |", "|---|---|---|---|"]
    for name, obj in items:
        kind, sig, summary = describe(obj)
        summary = summary or (data or {}).get(name, "")
        sig_cell = f"`{sig}`" if sig else ""
        lines.append(f"| `{name}` | {kind} | {sig_cell} | {_clean(summary)} |")
    return lines


def _class_methods(cls):
    items = []
    for name in sorted(dir(cls)):
        if name.startswith("_"):
            continue
        attr = getattr(cls, name)
        if callable(attr):
            items.append((name, attr))
    return items


def generate():
    """The text of docs/api.md."""
    out = [HEADER]
    toc = []
    body = []
    for mod_name, title, what in SECTIONS:
        mod = importlib.import_module(mod_name)
        anchor = re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")
        toc.append(f"- [{title}](#{anchor})")
        body.append(f"## {title}\n")
        if what == "module":
            items = _public_names(mod)
            extra = []
            for name, target in EXTRA.get(mod_name, {}).items():
                where, attr = target.split(":")
                extra.append((name, getattr(importlib.import_module(where), attr)))
            items = sorted(dict(items + extra).items())
            doc = _first_line(mod.__doc__)
            if doc:
                body.append(_clean(doc) + "\n")
        else:
            cls = getattr(mod, what.split(":", 1)[1])
            body.append(f"`{cls.__name__}{_signature(cls)}`: {_clean(_first_line(cls.__doc__))}\n")
            items = _class_methods(cls)
        body.extend(_rows(items, DATA.get(mod_name)))
        body.append(f"\n{len(items)} names.\n")
    out.extend(toc)
    out.append("")
    out.extend(body)
    return "\n".join(out).rstrip() + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/api.md is out of date")
    parser.add_argument("--stdout", action="store_true", help="print the page instead of writing it")
    args = parser.parse_args(argv)
    sys.path.insert(0, ROOT)
    text = generate()
    if args.stdout:
        sys.stdout.write(text)
        return 0
    if args.check:
        try:
            with open(OUTPUT, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = ""
        if current != text:
            diff = difflib.unified_diff(current.splitlines(), text.splitlines(), "docs/api.md",
                                        "generated", lineterm="", n=0)
            sys.stdout.write("\n".join(list(diff)[:60]) + "\n")
            sys.stdout.write("docs/api.md is out of date: run `python tools/gen_api_doc.py`\n")
            return 1
        return 0
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(OUTPUT, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
