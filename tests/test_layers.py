"""The layers of docs/architecture.md are real: no module imports from a higher layer.

The layer table and the list of compatibility shims are read from docs/architecture.md ("Layers"),
so the page and this test cannot disagree. Every module of the ``theano`` package is parsed with
``ast``; every import counts, at module level or inside a function (a deferred import is still a
dependency). A module may import from its own layer and the layers below; compatibility shims may
import anything. Imports by name (``importlib.import_module("theano.x")``) count too. An upward
import that remains is listed in ``KNOWN_UPWARD`` with its reason; a new one fails the test, and so
does an entry whose import is gone.
"""

import ast
import os
import re
from collections import Counter

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE_DIR = os.path.join(ROOT, "theano")
DOC = os.path.join(ROOT, "docs", "architecture.md")

# (importing module, imported module) -> why the upward import is still there. Each entry is one
# pair, whatever the number of import statements between the two modules.
KNOWN_UPWARD = {
}

_ROW = re.compile(r"^\|\s*(\d+)\s*\|([^|]*)\|([^|]*)\|\s*$")


def _doc_section():
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^## Layers\n(.*?)(?=^## )", text, re.S | re.M)
    assert m, "docs/architecture.md has no '## Layers' section"
    return m.group(1)


def read_layers():
    """[(number, name, [module prefixes])] from the doc's table, and the set of shims."""
    section = _doc_section()
    layers = []
    for line in section.splitlines():
        m = _ROW.match(line.strip())
        if m:
            names = re.findall(r"`(theano[\w.]*)`", m.group(3))
            layers.append((int(m.group(1)), m.group(2).strip(), names))
    shim_text = section[section.index("Compatibility shims"):]
    shim_text = shim_text[:shim_text.index("\n\n")]
    shims = set(re.findall(r"`(theano[\w.]*)`", shim_text))
    return layers, shims


def _module_name(path):
    rel = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
    return rel[: -len(".__init__")] if rel.endswith(".__init__") else rel


def theano_modules():
    mods = {}
    for dirpath, dirnames, filenames in os.walk(PACKAGE_DIR):
        dirnames[:] = [d for d in dirnames if not d.startswith((".", "__pycache__"))]
        for fn in filenames:
            if fn.endswith(".py") and not fn.startswith("."):
                path = os.path.join(dirpath, fn)
                mods[_module_name(path)] = path
    return mods


def _dynamic_import_target(call):
    """The module an ``importlib.import_module(...)`` or ``__import__(...)`` call names, when its
    first argument is a string or an f-string that starts with a module path; an f-string's
    unknown tail is written ``{}`` (``f"theano.tensor.{name}"`` reaches a module of theano.tensor)."""
    func = call.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if called not in ("import_module", "__import__") or not call.args:
        return None
    arg = call.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        head = arg.values[0].value
        return head + "{}" if head.endswith(".") else None
    return None


def imports_of(name, path, modules):
    """Every theano module ``name`` imports: [(imported module, line, inside a function)]."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    is_pkg = path.endswith("__init__.py")
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                      ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.append((alias.name, child.lineno, inner))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    parts = name.split(".") if is_pkg else name.split(".")[:-1]
                    parts = parts[: len(parts) - (child.level - 1)]
                    base = ".".join(parts + ([child.module] if child.module else []))
                else:
                    base = child.module
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    found.append((sub if sub in modules else base, child.lineno, inner))
            elif isinstance(child, ast.Call) and _dynamic_import_target(child):
                found.append((_dynamic_import_target(child), child.lineno, inner))
            visit(child, inner)

    visit(tree, False)
    return [(m, line, fn) for m, line, fn in found if m == "theano" or m.startswith("theano.")]


def layer_of(module, layers):
    """The layer of ``module``: its longest listed prefix (``pkg.__init__`` matches ``pkg`` only)."""
    best = None
    for number, _, names in layers:
        for n in names:
            if n.endswith(".__init__"):
                hit = module == n[: -len(".__init__")]
                length = len(n)
            else:
                hit = module == n or module.startswith(n + ".")
                length = len(n)
            if hit and (best is None or length > best[1]):
                best = (number, length)
    return None if best is None else best[0]


def is_shim(module, shims):
    return any(module == s or module.startswith(s + ".") for s in shims)


def upward_imports():
    layers, shims = read_layers()
    modules = theano_modules()
    found = {}
    for name, path in sorted(modules.items()):
        if is_shim(name, shims):
            continue
        mine = layer_of(name, layers)
        for target, line, in_fn in imports_of(name, path, modules):
            theirs = layer_of(target, layers)
            if theirs is not None and mine is not None and theirs > mine:
                found.setdefault((name, target), []).append(
                    f"{os.path.relpath(path, ROOT)}:{line} ({'in a function' if in_fn else 'module level'})"
                    f": layer {mine} imports {target} (layer {theirs})")
    return found


def test_the_doc_table_is_well_formed():
    layers, shims = read_layers()
    numbers = [n for n, _, _ in layers]
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    assert len(layers) >= 6
    listed = [m for _, _, names in layers for m in names]
    assert len(listed) == len(set(listed)), Counter(listed).most_common(3)
    modules = theano_modules()
    for m in listed:
        base = m[: -len(".__init__")] if m.endswith(".__init__") else m
        assert base in modules or any(k.startswith(base + ".") for k in modules), \
            f"the layer table names {m}, which is not a module"
    for s in shims:
        assert s == "theano.gof" or s in modules, f"the shim list names {s}, which is not a module"


def test_every_module_has_a_layer():
    layers, shims = read_layers()
    missing = [m for m in theano_modules() if layer_of(m, layers) is None and not is_shim(m, shims)]
    assert not missing, f"modules in no layer of docs/architecture.md: {missing}"


def test_low_layers_import_nothing_above_them():
    # the graph and scalar layers are clean, without exceptions
    layers, _ = read_layers()
    bad = [lines for (src, _), lines in upward_imports().items() if layer_of(src, layers) <= 3]
    assert not bad, bad


def test_no_import_of_a_higher_layer():
    found = upward_imports()
    new = {k: v for k, v in found.items() if k not in KNOWN_UPWARD}
    assert not new, "imports of a higher layer (move the code, or import from lower modules):\n" + \
        "\n".join(line for lines in new.values() for line in lines)


def test_every_listed_upward_import_is_still_there():
    # the list only shrinks: an entry whose import is gone is removed with it
    stale = sorted(set(KNOWN_UPWARD) - set(upward_imports()))
    assert not stale, f"KNOWN_UPWARD lists imports that are gone: {stale}"


def test_the_checker_sees_function_level_imports(tmp_path):
    # the checker itself: a deferred import inside a function is found, with its line
    mod = tmp_path / "m.py"
    mod.write_text("import os\n\ndef f():\n    from theano.tensor import basic\n    return basic\n")
    got = imports_of("theano.graph.m", str(mod), {"theano.tensor.basic": "x"})
    assert got == [("theano.tensor.basic", 4, True)]
    # and so is an import by name (importlib), a whole name or a path under a package
    mod.write_text("import importlib\n\ndef f(n):\n    importlib.import_module('theano.scan')\n"
                   "    return importlib.import_module(f'theano.tensor.{n}')\n")
    got = imports_of("theano.graph.m", str(mod), {})
    assert got == [("theano.scan", 4, True), ("theano.tensor.{}", 5, True)]
    layers, _ = read_layers()
    assert layer_of("theano.graph.basic", layers) < layer_of("theano.tensor.basic", layers)
    assert layer_of("theano.tensor", layers) > layer_of("theano.tensor.basic", layers)


@pytest.mark.parametrize("module", ["theano.graph", "theano.scalar"])
def test_graph_and_scalar_do_not_mention_tensor_or_compile(module):
    # the point of item 1 and 2 of issue 16, stated directly
    modules = theano_modules()
    layers, shims = read_layers()
    for name, path in modules.items():
        if (name == module or name.startswith(module + ".")) and not is_shim(name, shims):
            for target, line, _ in imports_of(name, path, modules):
                assert not target.startswith(("theano.tensor", "theano.compile", "theano.gradient",
                                              "theano.misc.pkl_utils")), (name, target, line)
