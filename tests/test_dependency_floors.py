"""The floors pyproject.toml states are the releases tools/oldest-deps.txt pins (the set the suite
was run with on the oldest Python, docs/architecture.md "Dependencies and their oldest versions"):
raising or lowering one without the other makes the claim untested."""

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _read(name):
    with open(os.path.join(ROOT, name), encoding="utf-8") as f:
        return f.read()


def test_pyproject_floors_are_the_pinned_oldest_releases():
    deps = re.search(r"^dependencies = \[(.*?)^\]", _read("pyproject.toml"), re.S | re.M).group(1)
    floors = dict(re.findall(r'"([A-Za-z0-9_-]+)>=([0-9.]+)', deps))
    pins = dict(re.findall(r"^([A-Za-z0-9_-]+)==([0-9.]+)", _read("tools/oldest-deps.txt"), re.M))
    assert set(floors) == {"numpy", "scipy", "numba", "threadpoolctl"}, floors
    for name, floor in floors.items():
        assert name in pins, f"tools/oldest-deps.txt pins no {name} (pyproject.toml: {name}>={floor})"
        got = tuple(int(p) for p in pins[name].split("."))
        want = tuple(int(p) for p in floor.split("."))
        # the pin is a release of the floor's version (1.26 -> 1.26.4)
        assert got[:len(want)] == want, (
            f"tools/oldest-deps.txt pins {name}=={pins[name]} but pyproject.toml says {name}>={floor}")
    py = re.search(r'^requires-python = ">=([0-9.]+)"', _read("pyproject.toml"), re.M).group(1)
    assert f"on Python {py}" in _read("tools/oldest-deps.txt"), f"tools/oldest-deps.txt: not run on Python {py}"
