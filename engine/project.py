"""The project the engine's tools work for, found by name rather than by import.

The engine never imports the business plug-ins. A project names its composition in its
``pyproject.toml``::

    [tool.engine]
    project = "app.project:project"

(``ENGINE_PROJECT`` overrides it), and that object tells ``python -m engine`` what it needs:
the plug-ins' declarations for ``lint`` and ``graph``, the modules holding the project's own lint
rules (a rule registers itself when its module is imported), and the sub-commands the project
adds (``catalog``). A folder with no such entry is linted by the engine's rules alone.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from engine.plugin import PluginSet

PROJECT_VARIABLE = "ENGINE_PROJECT"

#: Builds what ``python -m engine explore`` drives (the running bot in a test harness); the
#: explorer calls it with the project root. Its argument and result types come with the explorer.
ExplorerDriverFactory = Callable[[Path], object]


class ProjectError(Exception):
    """The project named in pyproject.toml (or ENGINE_PROJECT) cannot be loaded."""


@dataclass(frozen=True)
class ProjectCommand:
    """A sub-command of ``python -m engine`` that the project contributes.

    ``main`` gets the arguments after the command's name (it parses them itself, so a command
    may have sub-actions of its own, as ``catalog sync`` does) and returns the exit code.
    """

    name: str
    summary: str
    main: Callable[[list[str]], int]


class Project(Protocol):
    """What the engine's tools need from a project. Importing it must stay light: ``lint``
    runs in CI and editors' hooks, so no aiogram or aiohttp at module level."""

    def declarations(self) -> PluginSet:
        """The plug-ins' declarations (namespaces, actions, queries), nothing connected."""
        ...

    @property
    def lint_rules(self) -> Sequence[str]:
        """Dotted names of modules whose rules run beside the engine's (imported before a lint)."""
        ...

    @property
    def commands(self) -> Sequence[ProjectCommand]:
        """Sub-commands of ``python -m engine`` beside lint, graph, schema and rules."""
        ...

    @property
    def explorer_driver(self) -> ExplorerDriverFactory | None:
        """Reserved for ``python -m engine explore``: how to start the bot it explores;
        None when the project offers none."""
        ...


@dataclass(frozen=True)
class BareProject:
    """A folder with no ``[tool.engine]``: the engine's own rules, no plug-ins, no commands."""

    lint_rules: tuple[str, ...] = ()
    commands: tuple[ProjectCommand, ...] = ()
    explorer_driver: ExplorerDriverFactory | None = None

    def declarations(self) -> PluginSet:
        return PluginSet([])


def project_name(root: Path) -> str | None:
    """``module:attribute`` of the project's composition: ENGINE_PROJECT, else pyproject.toml."""
    if named := os.environ.get(PROJECT_VARIABLE):
        return named
    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    import tomllib  # the engine's tools read it; a running bot never does

    try:
        settings = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(f"{path}: {exc}") from exc
    name = settings.get("tool", {}).get("engine", {}).get("project")
    if name is not None and not isinstance(name, str):
        raise ProjectError(f'{path}: [tool.engine] project must be a string "module:attribute"')
    return name


def load_project(root: Path = Path(".")) -> Project:
    """The project at ``root`` with its lint rules registered (see the module's docstring)."""
    name = project_name(root)
    project: Project = BareProject() if name is None else _imported(name, root)
    register_lint_rules(project)
    return project


def register_lint_rules(project: Project) -> None:
    """Import the project's rule modules: each registers its rules as it is imported."""
    for module in project.lint_rules:
        importlib.import_module(module)


def _imported(name: str, root: Path) -> Project:
    module_name, _, attribute = name.partition(":")
    if not module_name or not attribute:
        raise ProjectError(f'the project "{name}" is not of the form "module:attribute"')
    folder = str(root.resolve())
    if folder not in sys.path:  # the project's packages sit beside its pyproject.toml
        sys.path.insert(0, folder)
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ProjectError(f'cannot import the project "{name}": {exc}') from exc
    try:
        found: Project = getattr(module, attribute)
    except AttributeError:
        raise ProjectError(f'the module "{module_name}" has no "{attribute}"') from None
    return found
