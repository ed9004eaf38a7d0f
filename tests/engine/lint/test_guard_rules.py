"""GUARD rules: a guarded screen is entered only where its guard already holds."""

from pathlib import Path

from tests.support.projects import BASE_FLOW, findings, lint_project, write_project

ADMIN = """\
guard: admin
screens:
  panel:
    text: main.help_text
    keyboard:
      - [{text: common.back, back: true}]
"""


def test_unguarded_button_to_guarded_screen_leaks(tmp_path: Path) -> None:
    flow = BASE_FLOW.replace("go: help}]", "go: help}, {text: main.help, go: admin.panel}]")
    problems = lint_project(write_project(tmp_path, {"flows/main.yaml": flow, "flows/admin.yaml": ADMIN}))
    assert findings(problems) == [("GUARD001", "flows/main.yaml", 7)]
    assert "admin.panel" in problems[0].message


def test_button_carrying_the_guard_does_not_leak(tmp_path: Path) -> None:
    flow = BASE_FLOW.replace("go: help}]", "go: help}, {text: main.help, go: admin.panel, guard: admin}]")
    assert lint_project(write_project(tmp_path, {"flows/main.yaml": flow, "flows/admin.yaml": ADMIN})) == []


def test_command_to_guarded_screen_is_checked_at_render(tmp_path: Path) -> None:
    flow = BASE_FLOW.replace("  start: start\n", "  start: start\n  admin: admin.panel\n", 1)
    assert lint_project(write_project(tmp_path, {"flows/main.yaml": flow, "flows/admin.yaml": ADMIN})) == []


def test_unknown_guard(tmp_path: Path) -> None:
    flow = BASE_FLOW.replace("    text: main.help_text\n", "    text: main.help_text\n    guard: owner\n")
    problems = lint_project(write_project(tmp_path, {"flows/main.yaml": flow}))
    assert ("GUARD002", "flows/main.yaml", 10) in findings(problems)
