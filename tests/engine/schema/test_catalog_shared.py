"""The catalog's repeated parts are one object each within a loaded bundle, and only there."""

from __future__ import annotations

import yaml

from engine.schema.catalog import SHARED, InputField, LocalText
from engine.schema.catalog_file import CatalogFile

MODEL = """
  - id: vendor/{name}
    vendor: vendor
    category: image
    name: {{ru: {name}, en: {name}}}
    input:
      prompt: {{type: string, required: true, title: {{ru: Промпт, en: Prompt}}}}
      ratio: {{type: enum, options: ["1:1", "16:9"], title: {title}}}
"""


def _catalog(context: dict[str, object] | None) -> CatalogFile:
    text = "models:" + MODEL.format(name="a", title="{ru: Формат, en: Ratio}")
    text += MODEL.format(name="b", title="{ru: Соотношение, en: Ratio}")
    return CatalogFile.model_validate(yaml.safe_load(text), context=context)


def test_parts_written_alike_are_one_object_in_a_load() -> None:
    a, b = _catalog({SHARED: {}}).models
    assert a.input["prompt"] is b.input["prompt"]  # written alike
    assert a.input["ratio"] is not b.input["ratio"]  # titled differently
    assert a.input["ratio"].options[1] is b.input["ratio"].options[1]
    assert a.input["ratio"] == _catalog(None).models[0].input["ratio"]  # the same values


def test_without_the_loaders_context_every_part_is_its_own() -> None:
    a, b = _catalog(None).models
    assert a.input["prompt"] is not b.input["prompt"] and a.input["prompt"] == b.input["prompt"]
    assert LocalText(ru="x", en="y") is not LocalText(ru="x", en="y")
    assert InputField(type="string") is not InputField(type="string")
