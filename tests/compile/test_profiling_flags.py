"""Theano 1.0's profiling.* flags: n_apply / n_ops bound the summary's tables, destination sends
the at-exit summaries to stdout, stderr or a file, ignore_first_call leaves the first call (and
its kernel compiles) out of the times; the memory-profile flags are accepted."""

import os
import subprocess
import sys
import textwrap

import numpy as np

import theano
import theano.tensor as T


def _apply_lines(text):
    lines = text.splitlines()
    start = lines.index("Apply") + 3      # the title, its underline, the column names
    out = []
    for line in lines[start:]:
        if not line.strip() or not line.lstrip()[0].isdigit():
            break
        out.append(line)
    return out


def test_n_apply_and_n_ops_bound_the_tables(monkeypatch, capsys):
    x = T.dvector("x")
    f = theano.function([x], [T.exp(x) + 1, T.sin(x) * 2, T.log1p(x ** 2), x.sum()],
                        profile=True, mode=theano.Mode(linker="py"))
    for _ in range(3):
        f(np.linspace(0.1, 1, 5))
    f.profile.summary()
    full = capsys.readouterr().out
    assert len(_apply_lines(full)) > 2
    monkeypatch.setattr(theano.config, "profiling__n_apply", 2)
    f.profile.summary()
    assert len(_apply_lines(capsys.readouterr().out)) == 2
    f.profile.summary(n_apply_to_print=1)
    assert len(_apply_lines(capsys.readouterr().out)) == 1


def test_ignore_first_call(monkeypatch):
    monkeypatch.setattr(theano.config, "profiling__ignore_first_call", True)
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) * 2 + 1, profile=True)
    f(np.ones(3))
    assert f.profile.fct_callcount == 0 and not f.profile.apply_time
    f(np.ones(3))
    f(np.ones(3))
    assert f.profile.fct_callcount == 2
    assert all(n == 2 for n in f.profile.apply_callcount.values())


def test_destination_file_at_exit(tmp_path):
    out = tmp_path / "prof.txt"
    code = textwrap.dedent("""
        import numpy as np, theano, theano.tensor as T
        x = T.dvector("x")
        f = theano.function([x], x * 2, name="doubling")
        f(np.ones(2))
    """)
    env = dict(os.environ, THEANO_FLAGS=f"profile=True,profiling.destination={out},"
               "profiling.min_peak_memory=True,profiling.n_ops=5")
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    assert "Function profiling" not in res.stderr
    text = out.read_text()
    assert "Message: doubling" in text and "Time in 1 calls" in text
