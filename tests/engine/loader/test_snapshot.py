"""A remembered bundle reads back as the bundle that was loaded: the same screens, models and
texts, the same places in the files, the catalog's shared parts still shared."""

from __future__ import annotations

from pathlib import Path

from engine.loader.bundle import load_bundle
from engine.loader.snapshot import restore, snapshot
from tests.conftest import PROJECT_ROOT


def test_the_shipped_bundle_reads_back_as_loaded(tmp_path: Path) -> None:
    loaded = load_bundle(PROJECT_ROOT)
    back = restore(snapshot(loaded), loaded.root)
    assert back is not None and back is not loaded
    assert back.root == loaded.root
    assert set(back.screens) == set(loaded.screens) and set(back.models) == set(loaded.models)
    assert [s.screen for s in back.screens.values()] == [s.screen for s in loaded.screens.values()]
    assert [m.entry for m in back.models.values()] == [m.entry for m in loaded.models.values()]
    assert back.tasks == loaded.tasks and back.commands.keys() == loaded.commands.keys()
    for key in ("main.start", "admin.users.card"):
        screen, before = back.screens[key], loaded.screens[key]
        assert screen.locate("text") == before.locate("text") and screen.locate() == before.locate()
    assert back.commands["start"].location == loaded.commands["start"].location
    for language, locale in loaded.locales.items():
        assert dict(back.locales[language].positions) == dict(locale.positions)
        assert {k: t.source for k, t in back.locales[language].texts.items()} == {
            k: t.source for k, t in locale.texts.items()
        }
    context = {"user": {"first_name": "Anna"}, "balance": {"text": "0 ₽"}, "welcome": None}
    assert "Anna" in back.render("main.title", "ru", context)
    assert back.render("main.title", "ru", context) == loaded.render("main.title", "ru", context)
    fields = [f for m in back.models.values() for f in m.entry.input.values()]
    assert len({id(f) for f in fields}) < len(fields)  # one object for each part models repeat


def test_a_remembered_bundle_moves_with_its_folder_and_damaged_bytes_are_no_bundle(
    tmp_path: Path,
) -> None:
    loaded = load_bundle(PROJECT_ROOT)
    data = snapshot(loaded)
    moved = restore(data, tmp_path)
    assert moved is not None and moved.root == tmp_path
    assert restore(data[: len(data) // 2], loaded.root) is None
    assert restore(b"not a bundle", loaded.root) is None
