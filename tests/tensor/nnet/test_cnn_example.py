"""The CNN example (examples/cnn_digits.py) trains to well above chance in a few epochs."""

import importlib.util
import pathlib

import pytest

pytest.importorskip("sklearn")

EXAMPLE = pathlib.Path(__file__).resolve().parents[3] / "examples" / "cnn_digits.py"


def load_example():
    spec = importlib.util.spec_from_file_location("cnn_digits_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_cnn_digits_short_training():
    example = load_example()
    accuracy = example.main(epochs=3, verbose=False)
    assert 0.0 <= accuracy <= 1.0
    assert accuracy > 0.6, f"3 epochs of the CNN reached only {accuracy:.3f} test accuracy (chance 0.1)"


@pytest.mark.slow
def test_cnn_digits_progress_output(capsys):
    example = load_example()
    example.main(epochs=1, verbose=True)
    out = capsys.readouterr().out
    assert "epoch  1/1 [" in out and "final test accuracy:" in out
