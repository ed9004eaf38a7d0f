"""CARD rules and the texts overlay: an enabled model's card needs a description in each
language (CARD001) and, when it takes a prompt, example prompts in each (CARD002); texts live
in models/texts/ and reach the model at load time; texts for an unknown model are LOAD005."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.loader.bundle import load_bundle
from engine.loader.errors import BundleLoadError, Problem
from plugins.catalog import card_rules  # noqa: F401  (registers the card rules)
from tests.support.projects import lint_project, write_project

MODELS = """\
tasks:
  - {id: images, name: {ru: Картинки, en: Images}}
models:
  - id: acme/paint
    vendor: Acme
    category: text-to-image
    tasks: [images]
    name: {ru: Кисть, en: Brush}
    price:
      cases:
        - {credits: 4}
    input:
      prompt: {type: string, required: true, max_length: 500}
  - id: acme/bg
    vendor: Acme
    category: image-edit
    tasks: [images]
    name: {ru: Фон, en: Background}
    price:
      cases:
        - {credits: 1}
    input:
      image: {type: file, media: image, required: true}
  - id: acme/old
    vendor: Acme
    category: text-to-image
    tasks: [images]
    enabled: false
    disabled_reason: "retired"
    name: {ru: Старая, en: Old}
    input:
      prompt: {type: string, required: true}
"""

PAINT_RU = """\
    ru:
      description: Рисует баннеры
      examples: [Баннер распродажи]
"""
PAINT_EN = """\
    en:
      description: Paints banners
      examples: [A sale banner]
"""
BG = """\
  acme/bg:
    name: {ru: Удалить фон, en: Remove background}
    ru: {description: Убирает фон}
    en: {description: Removes the background}
"""


def texts(paint_ru: str = PAINT_RU, paint_en: str = PAINT_EN, extra: str = "") -> str:
    return "texts:\n  acme/paint:\n" + paint_ru + paint_en + BG + extra


def lint_cards(tmp_path: Path, text: str) -> list[Problem]:
    root = write_project(tmp_path, {"models/catalog.yaml": MODELS, "models/texts/images.yaml": text})
    return [p for p in lint_project(root, cards=True) if p.code.startswith("CARD")]


def test_complete_texts_are_clean_and_reach_the_model(tmp_path: Path) -> None:
    assert lint_cards(tmp_path, texts()) == []
    bundle = load_bundle(tmp_path)
    paint = bundle.models["acme/paint"].entry
    assert paint.describe("ru") == "Рисует баннеры"
    assert paint.examples("ru") == ["Баннер распродажи"]
    assert paint.examples("en") == ["A sale banner"]
    bg = bundle.models["acme/bg"].entry
    assert bg.name.ru == "Удалить фон"  # the editors' name wins over the generated one
    assert bg.examples("ru") == []  # no prompt, no examples needed


@pytest.mark.parametrize("language", ["ru", "en"])
def test_card001_a_language_without_a_description(tmp_path: Path, language: str) -> None:
    kept = {"ru": ("", PAINT_EN), "en": (PAINT_RU, "")}[language]
    problems = lint_cards(tmp_path, texts(*kept))
    assert [(p.code, p.location.file) for p in problems] == [("CARD001", "models/catalog.yaml")]
    assert f'"acme/paint" has no {language} card text' in problems[0].message


def test_card001_a_model_with_no_texts_at_all(tmp_path: Path) -> None:
    problems = lint_cards(tmp_path, "texts:\n" + BG)
    assert sorted(p.code for p in problems) == ["CARD001", "CARD001"]


def test_card002_a_prompt_model_without_examples_in_a_language(tmp_path: Path) -> None:
    problems = lint_cards(tmp_path, texts(paint_en="    en:\n      description: Paints banners\n"))
    assert [p.code for p in problems] == ["CARD002"]
    assert "en card has no examples" in problems[0].message


def test_a_disabled_model_needs_no_texts(tmp_path: Path) -> None:
    assert lint_cards(tmp_path, texts()) == []  # acme/old has none


def test_load005_texts_for_a_model_nobody_defines(tmp_path: Path) -> None:
    extra = "  acme/gone:\n    ru: {description: Нет такой}\n"
    write_project(tmp_path, {"models/catalog.yaml": MODELS, "models/texts/images.yaml": texts(extra=extra)})
    with pytest.raises(BundleLoadError) as error:
        load_bundle(tmp_path)
    assert [(p.code, p.location.file) for p in error.value.problems] == [
        ("LOAD005", "models/texts/images.yaml")
    ]


def test_texts_of_one_model_twice_are_load004(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "models/catalog.yaml": MODELS,
            "models/texts/images.yaml": texts(),
            "models/texts/more.yaml": "texts:\n" + BG,
        },
    )
    with pytest.raises(BundleLoadError) as error:
        load_bundle(tmp_path)
    assert [p.code for p in error.value.problems] == ["LOAD004"]
