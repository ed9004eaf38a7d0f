"""A remembered clean lint verdict spares a start the lint, for exactly the same bundle and
code; any change lints again, and a dirty bundle still refuses to start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import app.bot
import engine.lint.linter
from app.bot import PROJECT_ROOT, StartupError, load_checked_bundle
from app.lint_verdict import BUNDLE, FILE, bundle_key, known_clean, remember_clean, remembered_bundle


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


def test_a_start_on_a_clean_verdict_reads_the_bundle_back_instead_of_loading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = load_checked_bundle(PROJECT_ROOT, verdicts=tmp_path)
    assert remembered_bundle(tmp_path, "another key", PROJECT_ROOT) is None

    def no_load(*_: Any) -> Any:
        raise AssertionError("loaded again")

    monkeypatch.setattr(app.bot, "load_bundle", no_load)
    back = load_checked_bundle(PROJECT_ROOT, verdicts=tmp_path)
    assert back is not loaded and back.root == loaded.root
    assert set(back.screens) == set(loaded.screens) and set(back.models) == set(loaded.models)
    monkeypatch.undo()
    (tmp_path / BUNDLE).write_bytes(bundle_key(PROJECT_ROOT).encode() + b"\ndamaged")
    again = load_checked_bundle(PROJECT_ROOT, verdicts=tmp_path)  # loaded, and kept again
    assert set(again.screens) == set(loaded.screens)
    assert remembered_bundle(tmp_path, bundle_key(PROJECT_ROOT), PROJECT_ROOT) is not None


def test_a_stale_verdict_lints_again_and_a_dirty_bundle_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / FILE).write_text("a verdict about other files\n")
    monkeypatch.setattr(engine.lint.linter, "has_errors", lambda problems: True)
    with pytest.raises(StartupError, match="do not lint clean"):
        load_checked_bundle(PROJECT_ROOT, verdicts=tmp_path)
    assert not known_clean(tmp_path, bundle_key(PROJECT_ROOT))
