"""FLOW rules: each minimal broken project yields exactly its code at the right file:line."""

from pathlib import Path
from typing import Any

from tests.support.projects import BASE_FLOW, findings, lint_project, write_project


def test_the_base_project_is_clean(tmp_path: Path) -> None:
    assert lint_project(write_project(tmp_path)) == []


def test_button_to_unknown_screen_is_orphaned(tmp_path: Path) -> None:
    flow = BASE_FLOW.replace("go: help}", "go: hlep}")
    problems = lint_project(write_project(tmp_path, {"flows/main.yaml": flow}))
    # help is now unreachable too; the orphan is reported where the target is written
    assert ("FLOW001", "flows/main.yaml", 7) in findings(problems)
    orphan = next(p for p in problems if p.code == "FLOW001")
    assert 'unknown screen "main.hlep"' in orphan.message
    assert 'did you mean "main.help"' in orphan.message
    assert orphan.location.column == 32


def test_command_to_unknown_screen_is_orphaned(tmp_path: Path) -> None:
    flow = BASE_FLOW.replace("  start: start\n", "  start: start\n  help: helpp\n", 1)
    problems = lint_project(write_project(tmp_path, {"flows/main.yaml": flow}))
    assert findings(problems) == [("FLOW001", "flows/main.yaml", 3)]
    assert "command /help" in problems[0].message


def test_screen_no_command_leads_to_is_unreachable(tmp_path: Path) -> None:
    flow = (
        BASE_FLOW
        + """\
  lonely:
    text: main.help_text
    keyboard:
      - [{text: common.back, back: true}]
"""
    )
    problems = lint_project(write_project(tmp_path, {"flows/main.yaml": flow}))
    assert findings(problems) == [("FLOW002", "flows/main.yaml", 12)]


def test_screen_with_only_a_link_is_a_dead_end(tmp_path: Path) -> None:
    flow = BASE_FLOW.replace(
        "[{text: common.back, back: true}]", "[{text: common.back, url: 'https://example.org'}]"
    )
    problems = lint_project(write_project(tmp_path, {"flows/main.yaml": flow}))
    assert findings(problems) == [("FLOW003", "flows/main.yaml", 8)]


def test_same_screen_id_in_two_files_is_a_duplicate(tmp_path: Path) -> None:
    other = """\
namespace: main
screens:
  help:
    text: main.help_text
    keyboard:
      - [{text: common.back, back: true}]
"""
    problems = lint_project(write_project(tmp_path, {"flows/other.yaml": other}))
    assert findings(problems) == [("FLOW004", "flows/other.yaml", 3)]
    assert "flows/main.yaml:8" in problems[0].message


def test_project_without_start_command(tmp_path: Path) -> None:
    flow = BASE_FLOW.replace("  start: start\n", "  begin: start\n", 1)
    problems = lint_project(write_project(tmp_path, {"flows/main.yaml": flow}))
    assert findings(problems) == [("FLOW005", "flows/main.yaml", 1)]


def test_plugin_opening_a_screen_no_flow_defines(tmp_path: Path) -> None:
    from typing import ClassVar

    from engine.lint.linter import lint
    from engine.loader.bundle import load_bundle
    from engine.plugin import Plugin, PluginSet
    from plugins.user import UserPlugin

    class Opener(Plugin):
        namespace = "opener"
        screens: ClassVar[dict[str, dict[str, Any]]] = {"main.missing": {}}

    write_project(tmp_path)
    problems = lint(load_bundle(tmp_path), PluginSet([UserPlugin.declarations(), Opener.declarations()]))
    assert findings(problems) == [("FLOW006", "flows/main.yaml", 2)]
    assert "main.missing" in problems[0].message


def test_plugin_hooking_a_command_no_flow_declares(tmp_path: Path) -> None:
    from engine.lint.linter import lint
    from engine.loader.bundle import load_bundle
    from engine.plugin import Plugin, PluginSet
    from plugins.user import UserPlugin

    class Hooker(Plugin):
        namespace = "hooker"
        command_hooks = ("start", "promo")

    write_project(tmp_path)
    problems = lint(load_bundle(tmp_path), PluginSet([UserPlugin.declarations(), Hooker.declarations()]))
    assert findings(problems) == [("FLOW008", "flows/main.yaml", 2)]
    assert "/promo" in problems[0].message
