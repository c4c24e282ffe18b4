"""The layout of the package as docs/architecture.md draws it: each layer imports only the layers below
it (function-level imports included), so there is no import cycle between subpackages, and no module
grows past about 300 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reportgen"

# Bottom to top. A module may import its own layer and the layers below it, never one above.
LAYERS = [
    # shared helpers, standard library only
    {"errors", "paths", "safe_open", "atomic", "versions", "formats", "processes"},
    {"contract"},  # the input contract
    {"model"},  # numpy model of the contract
    {"charts"},  # altair specs and SVG from a Model
    {"render"},  # templates, HTML, PDF
    {"pipeline"},  # one brief: load -> model -> compare -> charts -> html -> pdf
    {"batch", "report"},  # many briefs: plan, run, write, watch; the report of a build
    {"cli", "__main__", "__init__"},  # the terminal and the public API
]
LAYER_OF = {name: level for level, names in enumerate(LAYERS) for name in names}
MAX_LINES = 300


def _unit(path: Path) -> str:
    """The layer name of a module: its subpackage, or its own name at the top level."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> set[str]:
    """The first component under ``reportgen.`` of every module this file imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names if node.module == "reportgen"]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "reportgen" and len(parts) > 1:
                found.add(parts[1])
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_layer():
    assert sorted({_unit(p) for p in MODULES} - set(LAYER_OF)) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_higher_layer(path: Path):
    unit = _unit(path)
    above = sorted(name for name in _imports(path) - {unit}
                   if name in LAYER_OF and LAYER_OF[name] > LAYER_OF[unit])
    assert above == [], f"{path.relative_to(PACKAGE)} ({unit}) imports a higher layer: {above}"


def test_no_cycle_between_subpackages():
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        graph.setdefault(_unit(path), set()).update(_imports(path) - {_unit(path)})

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt}))
                   for nxt in graph.get(start, ()))

    cycles = sorted(unit for unit in graph if reaches(unit, unit, {unit}))
    assert cycles == [], f"import cycles through: {cycles}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_small(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {lines} lines; split it by what it holds"


def test_the_checks_can_fail(tmp_path: Path):
    """The import reader sees function-level imports, the way the cycles used to hide."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from reportgen.batch.plan import x\n    import reportgen.model.run\n")
    assert _imports(probe) == {"batch", "model"}
