"""The ``theano-cache`` command (theano/misc/cache_cli.py)."""

import io
import os
import subprocess
import sys

import pytest

import theano

pytest.importorskip("numba")

from theano.link.numba import cache  # noqa: E402
from theano.misc import cache_cli  # noqa: E402


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    d = tmp_path / "c"
    monkeypatch.setattr(theano.config, "compiledir", str(d))
    monkeypatch.setattr(theano.config, "base_compiledir", str(d))
    monkeypatch.setattr(cache, "_loaded", {})
    monkeypatch.setattr(cache, "_checked_dirs", {})
    return d


def cli(*args):
    out = io.StringIO()
    rc = cache_cli.main(list(args), out=out)
    return rc, out.getvalue()


def test_print_list_clear(fresh):
    cache.load_module("a = 1\n")
    cache.load_module("a = 2\n")
    assert cli() == (0, str(fresh) + "\n")
    rc, text = cli("list")
    assert rc == 0 and "2 kernels" in text
    assert f"k_{cache.kernel_key('a = 1' + chr(10))}" in text
    rc, text = cli("clear")
    assert rc == 0 and not os.path.exists(cache.kernel_dir())


def test_purge_and_cleanup_only_touch_cache_folders(fresh):
    cache.load_module("a = 3\n")
    other = fresh / "numba-0.1.0-py27"
    other.mkdir()
    (other / "k_x.py").write_text("")
    keep = fresh / "my_notes.txt"
    keep.write_text("mine")
    rc, text = cli("cleanup")
    assert rc == 0 and not other.exists() and os.path.exists(cache.kernel_dir())
    rc, text = cli("purge")
    assert rc == 0 and not os.path.exists(cache.kernel_dir())
    assert keep.read_text() == "mine"


def test_basecompiledir(fresh):
    cache.load_module("a = 4\n")
    rc, text = cli("basecompiledir")
    assert rc == 0 and str(fresh) in text and cache.version_tag() in text
    rc, text = cli("basecompiledir", "purge")
    assert rc == 0 and not os.path.exists(cache.kernel_dir())


def test_unknown_command():
    rc, _ = cli("frobnicate")
    assert rc == 2


def test_console_script_runs(tmp_path):
    env = dict(os.environ, THEANO_FLAGS=f"base_compiledir={tmp_path}")
    p = subprocess.run([sys.executable, "-m", "theano.misc.cache_cli"], capture_output=True,
                       text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == str(tmp_path)
