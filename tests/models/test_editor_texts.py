"""Editors own the card texts (models/texts/): the importer regenerates models/*.yaml around
them and never touches them, so an edited description survives a re-run, and the bot shows it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.loader.bundle import load_bundle

ROOT = Path(__file__).resolve().parents[2]
TURBO = "elevenlabs/text-to-speech-turbo-2-5"


def copy_project(target: Path) -> Path:
    for folder in ("flows", "locales", "models"):
        shutil.copytree(ROOT / folder, target / folder)
    return target


@pytest.mark.reference
def test_an_edited_text_survives_a_re_run_of_the_importer(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    texts = project / "models" / "texts" / "audio.yaml"
    original = load_bundle(project).models[TURBO].entry.describe("ru")
    edited = texts.read_text(encoding="utf-8").replace(
        original, "Дешёвая и быстрая озвучка: правка редактора.", 1
    )
    edited += "\n  # a comment an editor left\n"
    texts.write_text(edited, encoding="utf-8")
    generated = project / "models" / "audio.yaml"
    generated.write_text(generated.read_text(encoding="utf-8") + "\n# a hand edit\n", encoding="utf-8")

    script = ROOT / "scripts" / "import_reference_catalog.py"
    result = subprocess.run(
        [sys.executable, str(script), "--out", str(project / "models")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    assert texts.read_text(encoding="utf-8") == edited  # byte for byte, comment included
    assert "# a hand edit" not in generated.read_text(encoding="utf-8")  # the generated file is rewritten
    entry = load_bundle(project).models[TURBO].entry
    assert entry.describe("ru") == "Дешёвая и быстрая озвучка: правка редактора."
    assert entry.examples("ru") and entry.describe("en") != entry.describe("ru")


def test_the_importer_writes_no_card_copy() -> None:
    """Descriptions and example prompts come only from models/texts/, never from the importer."""
    for path in (ROOT / "models").glob("*.yaml"):
        if path.name == "recipes.yaml":  # editors' too, with texts of its own
            continue
        text = path.read_text(encoding="utf-8")
        assert "\n    description:" not in text and "\n    examples:" not in text, path.name
    assert not (ROOT / "scripts" / "catalog_import" / "card_texts.py").exists()
    assert not (ROOT / "scripts" / "catalog_import" / "examples.py").exists()
