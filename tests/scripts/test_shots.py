"""``dev.py shots`` (scripts/shots.py) saves the main screens in both languages, so a reviewer
can look without running the bot (issue 15): the whole walk, from a fresh bot to PNG files."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.support.cdp import CHROMIUM
from tests.support.local_stack import PROJECT_ROOT

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed")

SCREENS = (
    "01-main-menu",
    "02-category",
    "03-model-card",
    "04-form-step",
    "05-wallet",
    "06-recipes",
    "07-help",
)
PNG = b"\x89PNG\r\n\x1a\n"


def shots_script():  # type: ignore[no-untyped-def]
    """scripts/ is not a package: the script is loaded from its file, as dev.py runs it."""
    spec = importlib.util.spec_from_file_location("shots", PROJECT_ROOT / "scripts" / "shots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_shots_saves_every_main_screen_in_both_languages(
    database_dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_dsn)
    assert await shots_script().main([str(tmp_path)]) == 0
    expected = {f"{language}-{screen}.png" for language in ("ru", "en") for screen in SCREENS}
    saved = {p.name for p in tmp_path.glob("*.png")}
    assert expected | {"flow-graph.png"} <= saved, sorted(saved)
    for name in saved:
        data = (tmp_path / name).read_bytes()
        assert data.startswith(PNG) and len(data) > 10_000, name  # a real picture, not a blank
