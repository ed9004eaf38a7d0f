"""``python -m engine catalog``: a table or JSON of every model with its status and price."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from engine.cli import main
from tests.support.projects import write_project

MODELS = """\
tasks:
  - {id: images, name: {ru: Картинки, en: Images}}
models:
  - id: acme/paint
    vendor: Acme
    category: text-to-image
    tasks: [images]
    name: {ru: Кисть, en: Brush}
    description: {ru: Рисует по описанию, en: Paints from a prompt}
    price:
      cases:
        - {when: {quality: hd}, credits: 8}
        - {credits: 4}
    input:
      prompt: {type: string, required: true}
      quality: {type: enum, options: [sd, hd], default: sd}
  - id: acme/voice
    vendor: Acme
    category: text-to-speech
    name: {ru: Голос, en: Voice}
    description: {ru: Озвучка, en: Voice-over}
    enabled: false
    disabled_reason: "no price: the reference gives none"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path, {"models/x.yaml": MODELS})


def test_json_lists_models_and_counts(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", str(project), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    paint, voice = data["models"]
    assert paint["id"] == "acme/paint" and paint["enabled"] is True
    assert paint["price_from_credits"] == "4" and paint["price_from_usd"] == "0.02"
    assert (paint["required_fields"], paint["optional_fields"]) == (1, 1)
    assert voice["disabled_reason"].startswith("no price")
    assert data["summary"] == {
        "total": 2,
        "enabled": 1,
        "disabled": 1,
        "disabled_by_reason": {"no price": 1},
        "enabled_by_task": {"images": 1},
    }


def test_table_has_a_row_per_model_and_a_summary(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", str(project)]) == 0
    out = capsys.readouterr().out
    assert "acme/paint" in out and "$0.0200" in out and "disabled: no price" in out
    assert "2 models: 1 enabled, 1 disabled (no price 1)" in out


def test_unloadable_project_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_project(tmp_path, {"models/x.yaml": textwrap.dedent("models: [{id: 1}]\n")})
    assert main(["catalog", str(root)]) == 2
    assert "LOAD002" in capsys.readouterr().out


def test_the_shipped_catalog_summary(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parents[3]
    assert main(["catalog", str(root), "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    summary = listing["summary"]
    assert summary["total"] == 197  # 205 market ids, less 9 known non-models, plus flux1-kontext
    assert summary["enabled"] >= 162
    assert summary["enabled"] + sum(summary["disabled_by_reason"].values()) == 197
    rows = {m["id"]: m for m in listing["models"]}
    assert all(m["disabled_reason"] for m in rows.values() if not m["enabled"])
    assert rows["flux1-kontext"]["enabled"] and rows["flux1-kontext"]["price_from_credits"] == "5"
    assert not {"sora2-remix", "features/flux1-kontext", "midjourney/vary"} & set(rows)
