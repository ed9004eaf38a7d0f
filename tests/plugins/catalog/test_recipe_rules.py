"""RECIPE rules: each minimal broken recipe yields exactly its code at the right file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.loader.errors import Problem
from plugins.catalog import recipe_rules  # noqa: F401  (registers the recipe rules)
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
    description: {ru: Рисует, en: Paints}
    price:
      cases:
        - {when: {quality: [high]}, credits: 8}
        - {credits: 4}
    input:
      prompt: {type: string, required: true, max_length: 500}
      image: {type: file, media: image}
      quality:
        type: enum
        default: basic
        options: [basic, high]
      steps: {type: integer, minimum: 1, maximum: 50, default: 20}
      sharp: {type: boolean, default: false}
  - id: acme/old
    vendor: Acme
    category: text-to-image
    tasks: [images]
    enabled: false
    disabled_reason: "retired"
    name: {ru: Старая, en: Old}
    description: {ru: Старая, en: Old}
    input:
      prompt: {type: string, required: true}
"""

GOOD = {
    "id": "poster",
    "model": "acme/paint",
    "picture": "recipes/poster.png",
    "values": "{quality: high, steps: 30, sharp: true}",
    "ask": "[prompt]",
    "prompt": '{prompt: "{answer}, on white"}',
    "ru": "{name: Постер, description: Рисует постер, questions: {prompt: Что на постере?}}",
    "en": '{name: Poster, description: Paints a poster, questions: {prompt: "What is on it?"}}',
}
KEYS = list(GOOD)


def recipe(**changes: str | None) -> str:
    """The good recipe with some keys changed (None: left out); key ``k`` is on line 3 + i."""
    fields = {**GOOD, **changes}
    lines = [f"    {k}: {fields[k]}" for k in KEYS if fields.get(k) is not None]
    lines[0] = "  - " + lines[0].lstrip()
    return "recipes:\n" + "\n".join(lines) + "\n"


def lint_recipe(tmp_path: Path, text: str, picture: bool = True) -> list[Problem]:
    root = write_project(tmp_path, {"models/catalog.yaml": MODELS, "models/recipes.yaml": text})
    if picture:
        (root / "models" / "recipes").mkdir()
        (root / "models" / "recipes" / "poster.png").write_bytes(b"\x89PNG")
    return [p for p in lint_project(root) if p.code.startswith("RECIPE")]


def located(problems: list[Problem]) -> list[tuple[str, str, int, int]]:
    return [(p.code, p.location.file, p.location.line, p.location.column) for p in problems]


def line_of(key: str) -> int:
    return 2 + KEYS.index(key)


def test_a_good_recipe_is_clean(tmp_path: Path) -> None:
    assert lint_recipe(tmp_path, recipe()) == []


@pytest.mark.parametrize(("model", "words"), [("acme/pant", "unknown"), ("acme/old", "disabled")])
def test_recipe001_unknown_or_disabled_model(tmp_path: Path, model: str, words: str) -> None:
    problems = lint_recipe(tmp_path, recipe(model=model))
    assert located(problems) == [("RECIPE001", "models/recipes.yaml", line_of("model"), 12)]
    assert words in problems[0].message


def test_recipe002_a_field_the_model_lacks(tmp_path: Path) -> None:
    problems = lint_recipe(tmp_path, recipe(values="{qualty: high}"))
    assert [p.code for p in problems] == ["RECIPE002"]
    assert problems[0].location.line == line_of("values")
    assert 'did you mean "quality"' in problems[0].message


def test_recipe002_a_field_both_preset_and_asked(tmp_path: Path) -> None:
    problems = lint_recipe(tmp_path, recipe(ask="[prompt, quality]"))
    assert [p.code for p in problems] == ["RECIPE002"]
    assert "both presets and asks" in problems[0].message


@pytest.mark.parametrize(
    ("values", "why"),
    [
        ("{quality: ultra}", "not one of its options"),
        ("{steps: 99}", "above its maximum 50"),
        ("{steps: 0}", "below its minimum 1"),
        ("{steps: 2.5}", "not a whole number"),
        ("{steps: many}", "not a number"),
        ("{sharp: 1}", "not true or false"),
        ("{image: x.png}", "cannot be preset"),
    ],
)
def test_recipe003_a_value_that_does_not_fit(tmp_path: Path, values: str, why: str) -> None:
    problems = lint_recipe(tmp_path, recipe(values=values))
    assert [p.code for p in problems] == ["RECIPE003"]
    assert problems[0].location.line == line_of("values")
    assert why in problems[0].message


def test_recipe004_texts_missing_in_a_language(tmp_path: Path) -> None:
    problems = lint_recipe(tmp_path, recipe(en=None))
    assert [p.code for p in problems] == ["RECIPE004"]
    assert "no en texts" in problems[0].message


def test_recipe004_a_hint_for_a_field_not_asked(tmp_path: Path) -> None:
    ru = "{name: Постер, description: Рисует, questions: {prompt: Что?, steps: Сколько?}}"
    problems = lint_recipe(tmp_path, recipe(ru=ru))
    messages = [p.message for p in problems if p.code == "RECIPE004"]
    assert any('"steps", which the recipe does not ask' in m for m in messages)
    assert any('"steps" has no en text' in m for m in messages)


def test_recipe005_a_missing_picture(tmp_path: Path) -> None:
    problems = lint_recipe(tmp_path, recipe(), picture=False)
    assert located(problems) == [("RECIPE005", "models/recipes.yaml", line_of("picture"), 14)]


def test_recipe005_a_picture_outside_models(tmp_path: Path) -> None:
    problems = lint_recipe(tmp_path, recipe(picture="../secret.png"))
    assert [p.code for p in problems] == ["RECIPE005"]


def test_recipe006_a_required_field_neither_preset_nor_asked(tmp_path: Path) -> None:
    problems = lint_recipe(
        tmp_path,
        recipe(ask="[image]", prompt=None, ru="{name: П, description: Д}", en="{name: P, description: D}"),
    )
    assert [p.code for p in problems] == ["RECIPE006"]
    assert 'requires "prompt"' in problems[0].message


@pytest.mark.parametrize(
    ("prompt", "why"),
    [
        ('{prompt: "always the same"}', "has no {answer}"),
        ('{steps: "{answer}"}', "not an asked text field"),
    ],
)
def test_recipe007_prompt_wording(tmp_path: Path, prompt: str, why: str) -> None:
    problems = lint_recipe(tmp_path, recipe(prompt=prompt))
    assert [p.code for p in problems] == ["RECIPE007"]
    assert why in problems[0].message


def test_recipe008_a_recipe_that_cannot_be_priced(tmp_path: Path) -> None:
    models = MODELS.replace("        - {credits: 4}\n", "")
    root = write_project(
        tmp_path, {"models/catalog.yaml": models, "models/recipes.yaml": recipe(values="{quality: basic}")}
    )
    (root / "models" / "recipes").mkdir()
    (root / "models" / "recipes" / "poster.png").write_bytes(b"\x89PNG")
    codes = [p.code for p in lint_project(root) if p.code.startswith("RECIPE")]
    assert codes == ["RECIPE008"]
