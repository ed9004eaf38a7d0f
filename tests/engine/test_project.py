"""The engine finds a project's composition by the name in its pyproject.toml."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from engine.cli import main
from engine.lint.registry import RULES
from engine.project import PROJECT_VARIABLE, BareProject, ProjectError, load_project
from tests.conftest import PROJECT_ROOT

COMPOSITION = """\
from engine.lint.registry import declare
from engine.plugin import PluginSet
from engine.project import BareProject, ProjectCommand

declare("ZZTEST001", "a rule a project adds")

def _hello(argv: list[str]) -> int:
    print("hello", *argv)
    return 0

project = BareProject(lint_rules=("{module}",),
                      commands=(ProjectCommand("hello", "say hello", _hello),))
"""


def _write(root: Path, module: str) -> Path:
    (root / f"{module}.py").write_text(COMPOSITION.format(module=module))
    (root / "pyproject.toml").write_text(
        textwrap.dedent(f"""\
        [tool.engine]
        project = "{module}:project"
    """)
    )
    return root


def test_the_shipped_project_brings_its_rules_and_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PROJECT_VARIABLE, raising=False)
    project = load_project(PROJECT_ROOT)
    assert [c.name for c in project.commands] == ["catalog"]
    assert "MODEL009" in RULES  # the catalog plug-in's price rules registered on load
    assert "wallet" in project.declarations().by_namespace
    from app.explore_driver import make_driver

    assert project.explorer_driver is make_driver  # the project supplies its explorer driver


def test_a_folder_without_tool_engine_is_a_bare_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PROJECT_VARIABLE, raising=False)
    assert load_project(tmp_path) == BareProject()


def test_a_project_adds_rules_and_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(PROJECT_VARIABLE, raising=False)
    root = _write(tmp_path, "composition_for_test")
    assert main(["--project", str(root), "hello", "x", "--y"]) == 0
    assert capsys.readouterr().out == "hello x --y\n"
    assert main(["--project", str(root), "rules"]) == 0
    assert "ZZTEST001" in capsys.readouterr().out


def test_the_environment_overrides_and_a_wrong_name_is_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(PROJECT_VARIABLE, "composition_nowhere:project")
    with pytest.raises(ProjectError, match="cannot import"):
        load_project(tmp_path)
    assert main(["rules"]) == 2
    assert "composition_nowhere" in capsys.readouterr().err
