"""The layers stay apart: the engine is generic, the plug-ins are the business, the emulators
stand in for the outside world. Every import counts: inside functions and under TYPE_CHECKING
too, since such an import still ties the packages together."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

FORBIDDEN = {
    "engine": {"plugins", "emulators", "app", "scripts"},
    "plugins": {"emulators", "app"},
    "emulators": {"plugins", "app"},
}


def _modules(package: str) -> list[Path]:
    return sorted((PROJECT_ROOT / package).rglob("*.py"))


def _imported(tree: ast.AST) -> Iterator[tuple[str, int]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, node.lineno


def _file_loads(tree: ast.AST) -> Iterator[int]:
    """Calls of ``spec_from_file_location``: loading code by path goes around the layers."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "spec_from_file_location":
                yield node.lineno


def crossings(package: str) -> list[str]:
    found = []
    for path in _modules(package):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = path.relative_to(PROJECT_ROOT)
        for module, line in _imported(tree):
            top = module.partition(".")[0]
            if top in FORBIDDEN[package]:
                found.append(f"{where}:{line} imports {module}")
        if package == "engine":
            found += [f"{where}:{line} loads a file by path" for line in _file_loads(tree)]
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_keeps_to_its_layer(package: str) -> None:
    assert _modules(package), f"no modules found under {package}/"
    assert crossings(package) == [], f"{package}/ must not import {', '.join(sorted(FORBIDDEN[package]))}"


def test_a_crossing_is_reported_with_file_and_line(tmp_path: Path) -> None:
    tree = ast.parse("import os\n\ndef f():\n    from plugins.user import UserPlugin\n")
    assert list(_imported(tree)) == [("os", 1), ("plugins.user", 4)]
