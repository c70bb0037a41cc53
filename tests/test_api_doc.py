"""docs/api.md is generated from the code by tools/gen_api_doc.py and must stay in sync with it."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "tools", "gen_api_doc.py")
PAGE = os.path.join(ROOT, "docs", "api.md")


def _generate():
    env = dict(os.environ)
    env.pop("THEANO_FLAGS", None)          # default flags: the page must not depend on them
    proc = subprocess.run([sys.executable, SCRIPT, "--stdout"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"tools/gen_api_doc.py failed:\n{proc.stderr[-3000:]}"
    return proc.stdout


def test_api_doc_is_up_to_date():
    generated = _generate()
    with open(PAGE, encoding="utf-8") as f:
        committed = f.read()
    if committed != generated:
        import difflib

        diff = "\n".join(list(difflib.unified_diff(committed.splitlines(), generated.splitlines(),
                                                   "docs/api.md", "generated", lineterm="", n=0))[:40])
        raise AssertionError(
            "docs/api.md is out of date with the code. Run `python tools/gen_api_doc.py` and commit "
            f"docs/api.md.\nFirst differences:\n{diff}")


def test_api_doc_lists_the_main_api():
    with open(PAGE, encoding="utf-8") as f:
        page = f.read()
    for name in ("`function`", "`shared`", "`grad`", "`scan`", "`dmatrix`", "`dot`", "`exp`",
                 "`sum`", "`uniform`", "`binomial`", "`seed`", "`pool_2d`"):
        assert f"| {name} |" in page, f"{name} is missing from docs/api.md"
    for section in ("## theano.tensor.nnet", "## theano.tensor.nlinalg", "## theano.tensor.slinalg",
                    "## theano.tensor.signal.pool", "## RandomStreams", "## MRG_RandomStreams"):
        assert section in page


def test_every_row_has_a_summary():
    with open(PAGE, encoding="utf-8") as f:
        rows = [line for line in f if line.startswith("| `")]
    blank = [row.split("|")[1].strip() for row in rows if row.rstrip().endswith("|  |")]
    assert not blank, (f"docs/api.md rows without a summary: {', '.join(blank)}; give them a "
                       "docstring (or, for plain data, an entry in DATA of tools/gen_api_doc.py)")


def test_generator_check_mode_reports_drift(tmp_path, monkeypatch):
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    try:
        import gen_api_doc
    finally:
        sys.path.pop(0)
    stale = tmp_path / "api.md"
    stale.write_text("# stale\n", encoding="utf-8")
    monkeypatch.setattr(gen_api_doc, "OUTPUT", str(stale))
    monkeypatch.setattr(gen_api_doc, "generate", lambda: "# fresh\n")
    assert gen_api_doc.main(["--check"]) == 1
    assert gen_api_doc.main([]) == 0
    assert stale.read_text(encoding="utf-8") == "# fresh\n"
    assert gen_api_doc.main(["--check"]) == 0


def test_star_import_of_tensor_does_not_shadow_builtins_or_modules():
    import builtins

    ns = {}
    exec("from theano.tensor import *", ns)
    for name in ("type", "math", "np", "numbers", "random", "basic"):
        assert name not in ns or ns[name] is getattr(builtins, name, None), name
    assert "dot" in ns and "dmatrix" in ns and "grad" in ns
