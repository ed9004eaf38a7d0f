"""A remembered clean lint verdict spares a start the lint, for exactly the same bundle and
code; any change lints again, and a dirty bundle still refuses to start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import engine.lint.linter
from app.bot import PROJECT_ROOT, StartupError, load_checked_bundle
from app.lint_verdict import FILE, bundle_key, known_clean, remember_clean


def test_the_key_changes_with_any_file_of_the_bundle(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    flow = tmp_path / "flows" / "main.yaml"
    flow.write_text("screens: {}\n")
    before = bundle_key(tmp_path)
    assert bundle_key(tmp_path) == before
    flow.write_text("screens: {a: 1}\n")
    assert bundle_key(tmp_path) != before
    remember_clean(tmp_path / "data", before)
    assert known_clean(tmp_path / "data", before) and not known_clean(tmp_path / "data", "other")


def test_a_clean_verdict_is_remembered_and_spares_the_next_lint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_checked_bundle(PROJECT_ROOT, verdicts=tmp_path)
    assert known_clean(tmp_path, bundle_key(PROJECT_ROOT))

    def no_lint(*_: Any) -> list[Any]:
        raise AssertionError("linted again")

    monkeypatch.setattr(engine.lint.linter, "lint", no_lint)
    load_checked_bundle(PROJECT_ROOT, verdicts=tmp_path)


def test_a_stale_verdict_lints_again_and_a_dirty_bundle_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / FILE).write_text("a verdict about other files\n")
    monkeypatch.setattr(engine.lint.linter, "has_errors", lambda problems: True)
    with pytest.raises(StartupError, match="do not lint clean"):
        load_checked_bundle(PROJECT_ROOT, verdicts=tmp_path)
    assert not known_clean(tmp_path, bundle_key(PROJECT_ROOT))
