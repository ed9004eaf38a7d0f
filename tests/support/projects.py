"""Minimal projects written to a temporary folder, for loader and linter tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from engine.lint.linter import lint
from engine.loader.bundle import load_bundle
from engine.loader.errors import Problem
from engine.plugin import PluginSet
from engine.variables import ENGINE_TEXTS
from plugins.catalog import lint_rules  # noqa: F401  (registers the price rules)
from plugins.user import UserPlugin

BASE_FLOW = """\
commands:
  start: start
screens:
  start:
    text: main.title
    keyboard:
      - [{text: main.help, go: help}]
  help:
    text: main.help_text
    keyboard:
      - [{text: common.back, back: true}]
"""

BASE_TEXTS = """\
main:
  title: Hello
  help: Help
  help_text: Help text
common:
  back: Back
"""


def engine_texts() -> str:
    groups: dict[str, list[str]] = {}
    for key in ENGINE_TEXTS:
        group, _, name = key.partition(".")
        groups.setdefault(group, []).append(name)
    lines = []
    for group, names in groups.items():
        lines.append(f"{group}:")
        lines.extend(f"  '{name}': '{group} {name}'" for name in names)
    return "\n".join(lines) + "\n"


def write_project(root: Path, files: dict[str, str] | None = None) -> Path:
    """The base project (one flow, both locales) with ``files`` added or replacing its files."""
    content = {
        "flows/main.yaml": BASE_FLOW,
        "locales/ru.yaml": BASE_TEXTS,
        "locales/en.yaml": BASE_TEXTS,
    }
    content.update(files or {})
    for rel, text in content.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = textwrap.dedent(text)
        if rel in ("locales/ru.yaml", "locales/en.yaml"):
            text += engine_texts()
        path.write_text(text, encoding="utf-8")
    (root / "models").mkdir(exist_ok=True)
    return root


def lint_project(root: Path, *, cards: bool = False) -> list[Problem]:
    """Lint with the core plug-in only: these projects test rules, not the shipped plug-ins.

    Their models carry no editors' card texts (models/texts/), so the CARD findings (which
    register once ``plugins.catalog.card_rules`` is imported anywhere in the session) are left
    out unless ``cards`` asks for them."""
    problems = lint(load_bundle(root), PluginSet([UserPlugin.declarations()]))
    return [p for p in problems if cards or not p.code.startswith("CARD")]


def findings(problems: list[Problem]) -> list[tuple[str, str, int]]:
    return [(p.code, p.location.file, p.location.line) for p in problems]
