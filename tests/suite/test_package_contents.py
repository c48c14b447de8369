"""What the installed package holds: `reference` and `conformance`, and none of the
project's tools. The docs site's builder (`tools/docs_site/`) is used by the docs build
and the tests only, so it does not ship, and nothing that ships may import it (an
installed package has no `tools` to import)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from setuptools import find_namespace_packages

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("reference", "conformance")


def _shipped_modules() -> list[Path]:
    return sorted(p for package in SHIPPED for p in (ROOT / package).rglob("*.py"))


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_shipped_packages_hold_no_docs_site_builder() -> None:
    # What setuptools ships: `[tool.setuptools.packages.find]` (namespace packages too).
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    find = pyproject["tool"]["setuptools"]["packages"]["find"]
    packages = find_namespace_packages(str(ROOT), include=find["include"])
    assert {p.split(".")[0] for p in packages} == set(SHIPPED)
    assert not [p for p in packages if "docs_site" in p.split(".")]
    assert not [p for p in _shipped_modules() if "docs_site" in p.parts]


def test_nothing_shipped_imports_the_tools() -> None:
    importers = {
        path.relative_to(ROOT).as_posix(): sorted(
            name for name in _imported_modules(path) if name.split(".")[0] == "tools"
        )
        for path in _shipped_modules()
    }
    assert {path: names for path, names in importers.items() if names} == {}
