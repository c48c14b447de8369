"""The layers of docs/architecture.md: each module of the suite imports only its own layer
and the layers below it (every import counts: at module level, inside a function, or
for type checking only)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Lowest first: the module (or package) prefixes of each layer.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("reference", "conformance.clauses", "conformance.catalogue", "conformance"),
    ("conformance.harness",),
    (
        "conformance.strategies",
        "conformance.scenario_io",
        "conformance.scenario_words",
        "conformance.shared_observations",
        "conformance.unsupported",
    ),
    ("conformance.adapters",),
    (
        "conformance.targets",
        "conformance.host",
        "conformance.running",
        "conformance.worker",
        "conformance.foreign",
    ),
    ("conformance.properties",),
    (
        "conformance.runner",
        "conformance.blame",
        "conformance.results",
        "conformance.diagnosis",
        "conformance.divergences",
        "conformance.parallel",
        "conformance.foreign.vectors",
        "conformance.fit_loop",
    ),
    ("conformance.report", "conformance.reports", "conformance.report_formats", "conformance.diff"),
    (
        "conformance.cli",
        "conformance.compare_installed",
        "conformance.__main__",
        "conformance.pytest_plugin",
        "conformance.test_conformance",
        "conformance.demo",
    ),
)


ROOT_PACKAGE = "conformance"  # its own layer, not a prefix: a new module must be placed


def layer_of(module: str) -> int:
    """The layer of the longest prefix naming `module`."""
    best = (-1, 0)
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            nested = prefix != ROOT_PACKAGE and module.startswith(prefix + ".")
            if module == prefix or nested:
                best = max(best, (len(prefix), index))
    if best[0] < 0:
        raise LookupError(f"{module} is in no layer of docs/architecture.md")
    return best[1]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The suite's and the reference's modules `path` imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found |= {name for name in names if name.split(".")[0] in ("conformance", "reference")}
    return found


SOURCES = sorted((*ROOT.glob("conformance/**/*.py"), *ROOT.glob("reference/**/*.py")))


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_a_module_imports_only_its_layer_and_those_below(path: Path) -> None:
    module = _module_name(path)
    upward = sorted(name for name in imports(path) if layer_of(name) > layer_of(module))
    assert upward == [], f"{module} (layer {layer_of(module)}) imports {upward}"


def test_every_module_has_a_layer_and_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    assert all(layer_of(_module_name(path)) >= 0 for path in SOURCES)
    wrong = tmp_path / "harness_importing_the_runner.py"
    wrong.write_text("def f():\n    from conformance.runner import run\n")
    assert layer_of("conformance.runner") > layer_of("conformance.harness.observe")
    assert imports(wrong) == {"conformance.runner"}
