"""Editors own the card texts (models/texts/): the importer regenerates models/*.yaml around
them and never touches them, so an edited description survives a re-run, and the bot shows it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from engine.loader.bundle import load_bundle

ROOT = Path(__file__).resolve().parents[2]
TURBO = "elevenlabs/text-to-speech-turbo-2-5"


def copy_project(target: Path) -> Path:
    for folder in ("flows", "locales", "models"):
        shutil.copytree(ROOT / folder, target / folder)
    return target


def edit_description(text: str, new: str) -> str:
    """``text`` with the Russian description of TURBO (a folded block) replaced by ``new``."""
    lines = text.splitlines(keepends=True)
    start = lines.index(f"  {TURBO}:\n")
    head = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("description:"))
    assert lines[head - 1].strip() == "ru:"
    end = head + 1
    while lines[end].startswith("        "):
        end += 1
    return "".join([*lines[: head + 1], f"        {new}\n", *lines[end:]])


@pytest.mark.reference
def test_an_edited_text_survives_a_re_run_of_the_importer(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    texts = project / "models" / "texts" / "audio.yaml"
    edited = edit_description(
        texts.read_text(encoding="utf-8"), "Дешёвая и быстрая озвучка: правка редактора."
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
        models = yaml.safe_load(path.read_text(encoding="utf-8")).get("models") or []
        written = [m["id"] for m in models if "description" in m or "examples" in m]
        assert written == [], path.name
    assert not (ROOT / "scripts" / "catalog_import" / "card_texts.py").exists()
    assert not (ROOT / "scripts" / "catalog_import" / "examples.py").exists()
