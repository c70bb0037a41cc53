"""The code passes ruff's pyflakes checks and has no syntax errors (pyproject.toml, [tool.ruff]).

Runs ``ruff check theano tests benchmarks examples`` (ruff is in the [test] extra); skipped only
where ruff is not installed.
"""

import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _ruff():
    exe = shutil.which("ruff") or os.path.join(os.path.dirname(sys.executable), "ruff")
    if os.path.exists(exe):
        return [exe]
    try:
        import ruff  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "ruff"]


def _check(paths):
    cmd = _ruff()
    if cmd is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    # --no-cache: a test run leaves the checkout as it was
    return subprocess.run(cmd + ["check", "--no-cache", *paths], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_ruff_clean():
    res = _check(["theano", "tests", "benchmarks", "examples"])
    assert res.returncode == 0, res.stdout + res.stderr


def test_ruff_finds_an_unused_import(tmp_path):
    # the configuration really selects pyflakes: an unused import in a file under the checkout's
    # rules is reported
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n")
    cmd = _ruff()
    if cmd is None:
        pytest.skip("ruff is not installed")
    res = subprocess.run(cmd + ["check", "--no-cache", "--config", os.path.join(ROOT, "pyproject.toml"),
                                str(bad)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 1 and "F401" in res.stdout, res.stdout + res.stderr
