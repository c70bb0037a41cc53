"""docs/how_to_add_an_op.md runs as printed: its Python blocks, in order, in a fresh interpreter."""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = os.path.join(ROOT, "docs", "how_to_add_an_op.md")


def _blocks():
    with open(PAGE, encoding="utf-8") as f:
        return re.findall(r"^```python\n(.*?)^```$", f.read(), flags=re.S | re.M)


def test_page_covers_the_whole_contract():
    with open(PAGE, encoding="utf-8") as f:
        page = f.read()
    for what in ("make_node", "perform", "def grad", "def R_op", "infer_shape", "node_rewriter",
                 "numba_funcify.register", "jax_funcify.register", "verify_grad"):
        assert what in page, what
    assert len(_blocks()) >= 8


def test_page_code_runs(tmp_path):
    script = tmp_path / "how_to_add_an_op.py"
    script.write_text("\n\n".join(_blocks()) + "\nprint('page ok')\n", encoding="utf-8")
    env = dict(os.environ)
    env.pop("THEANO_FLAGS", None)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, str(script)], cwd=str(tmp_path), env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert proc.stdout.strip().endswith("page ok")


def test_a_broken_block_fails(tmp_path):
    # the runner above would notice a page whose code raises
    script = tmp_path / "broken.py"
    script.write_text(_blocks()[0] + "\nassert l2_normalize(T.dvector()).ndim == 2\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.run([sys.executable, str(script)], cwd=str(tmp_path), env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0 and "AssertionError" in proc.stderr
