"""The catalog language: shared field texts, value spelling, cross-field rules, limits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from engine.schema.catalog import InputField, ModelEntry, canonical, is_collectable
from engine.schema.catalog_file import CatalogFile
from engine.schema.visibility import effective_values, is_asked, is_required

MODEL = {
    "id": "t/x",
    "vendor": "T",
    "category": "c",
    "name": {"ru": "x", "en": "x"},
    "description": {"ru": "x", "en": "x"},
}


def test_field_texts_fill_titles_hints_and_labels_but_a_fields_own_wins() -> None:
    catalog = CatalogFile.model_validate(
        {
            "field_texts": {
                "prompt": {
                    "title": {"ru": "Промпт", "en": "Prompt"},
                    "hint": {"ru": "Опишите", "en": "Describe"},
                },
                "voice": {"labels": {"v1": "James", "v2": {"ru": "Анна", "en": "Anna"}}},
            },
            "models": [
                {
                    **MODEL,
                    "input": {
                        "prompt": {"type": "string", "title": {"ru": "Текст", "en": "Text"}},
                        "voice": {"type": "enum", "options": ["v1", "v2", {"value": "v3", "label": "Own"}]},
                    },
                }
            ],
        }
    )
    fields = catalog.models[0].input
    assert fields["prompt"].title is not None and fields["prompt"].title.ru == "Текст"
    assert fields["prompt"].hint is not None and fields["prompt"].hint.en == "Describe"
    labels = [(o.value, o.label.ru if o.label else None) for o in fields["voice"].options]
    assert labels == [("v1", "James"), ("v2", "Анна"), ("v3", "Own")]


def test_canonical_spelling_makes_enum_strings_match_numbers() -> None:
    assert canonical("5") == canonical(5) == canonical(5.0)
    assert canonical("0.50") == canonical(0.5)
    assert canonical("720p") == "720p" and canonical(True) is True


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ({"type": "file", "media": "image", "max_seconds": 10}, "max_seconds belongs"),
        ({"type": "files", "media": "video", "min_items": 3, "max_items": 2}, "min_items"),
        ({"type": "enum"}, "needs options"),
        ({"type": "file"}, "needs media"),
        ({"type": "string", "items": {"a": {"type": "string"}}}, "items belong to a list"),
        (
            {"type": "list", "items": {"a": {"type": "string", "requires": ["b"]}}},
            "item field a cannot depend",
        ),
        ({"type": "list", "min_items": 3, "max_items": 2, "items": {"a": {"type": "string"}}}, "min_items"),
        (
            {"type": "enum", "options": [{"value": "a", "label": "Mark"}, {"value": "b", "label": "Mark"}]},
            "read",
        ),
        ({"type": "enum", "options": ["a", "a"]}, "listed twice"),
        ({"type": "enum", "options": ["a"], "groups": [{"label": "G", "values": ["z"]}]}, "not options"),
        ({"type": "string", "groups": [{"label": "G", "values": ["z"]}]}, "groups belong"),
    ],
)
def test_inconsistent_fields_are_refused(field: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        InputField.model_validate(field)


def test_price_rule_fields_and_units() -> None:
    entry = ModelEntry.model_validate(
        {
            **MODEL,
            "price": {
                "cases": [
                    {"when": {"q": "hd"}, "credits": 1.75, "per": ["a", "b"]},
                    {"credits": 12, "per": "text", "unit": 1000},
                ]
            },
        }
    )
    assert entry.price is not None
    assert entry.price.fields() == ("q", "a", "b", "text")
    first, second = entry.price.cases
    assert first.credits == Decimal("1.75") and first.per_fields == ("a", "b")
    assert second.unit == Decimal(1000)


def test_a_price_per_a_field_of_a_lists_items_depends_on_the_list() -> None:
    entry = ModelEntry.model_validate(
        {**MODEL, "price": {"cases": [{"credits": 14, "per": "dialogue.text", "unit": 1000}]}}
    )
    assert entry.price is not None and entry.price.fields() == ("dialogue",)
    assert entry.price.cases[0].per_fields == ("dialogue.text",)
    with pytest.raises(ValidationError):
        ModelEntry.model_validate({**MODEL, "price": {"cases": [{"credits": 1, "per": "a.b.c"}]}})


def test_a_list_is_collectable_when_its_items_are_scalars_or_files() -> None:
    lines = InputField.model_validate(
        {"type": "list", "items": {"text": {"type": "string"}, "photo": {"type": "file", "media": "image"}}}
    )
    nested = InputField.model_validate(
        {"type": "list", "items": {"takes": {"type": "list", "items": {"a": {"type": "string"}}}}}
    )
    assert is_collectable(lines) and lines.is_object_list
    assert not is_collectable(nested)
    assert not is_collectable(InputField(type="list")) and not is_collectable(InputField(type="object"))


def _fields() -> ModelEntry:
    return ModelEntry.model_validate(
        {
            **MODEL,
            "input": {
                "first": {"type": "file", "media": "image"},
                "last": {"type": "file", "media": "image", "requires": ["first"]},
                "refs": {"type": "files", "media": "image", "excludes": ["first"]},
                "videos": {"type": "files", "media": "video", "required_unless": ["refs"]},
                "quality": {"type": "enum", "options": ["std", "pro"], "default": "std"},
                "duration": {
                    "type": "enum",
                    "options": ["5", "10"],
                    "default": "5",
                    "ask_when": {"quality": ["std"]},
                },
            },
        }
    )


def test_requires_excludes_and_required_unless() -> None:
    entry = _fields()
    with_first = {"first": {"file_id": "f"}}
    assert not is_asked(entry.input["last"], {}) and is_asked(entry.input["last"], with_first)
    assert is_asked(entry.input["refs"], {}) and not is_asked(entry.input["refs"], with_first)
    assert is_required(entry.input["videos"], {})
    assert not is_required(entry.input["videos"], {"refs": [{"file_id": "r"}]})


def test_hidden_fields_stand_in_with_their_default() -> None:
    entry = _fields()
    values = effective_values(entry, {"quality": "pro", "duration": "10", "last": {"x": 1}})
    assert values["duration"] == "5"  # not asked at pro: Kie's default applies
    assert "last" not in values  # asked only with a first frame
    assert effective_values(entry, {"duration": "10"})["duration"] == "10"


def test_one_of_keeps_booleans_apart_from_numbers() -> None:
    from engine.schema.visibility import one_of

    assert one_of("5", [5, 10]) and one_of(True, [True]) and not one_of(True, [1])
    assert not one_of({"file_id": "x"}, ["a"])  # a file's value never matches a word


def test_shared_groups_are_narrowed_to_each_fields_options_list_items_too() -> None:
    group = {"label": {"ru": "Женские", "en": "Female"}, "values": ["a", "b"]}
    other = {"label": "Other", "values": ["z"]}
    catalog = CatalogFile.model_validate(
        {
            "field_texts": {"voice": {"groups": [group, other]}},
            "models": [
                {**MODEL, "input": {"voice": {"type": "enum", "options": ["a", "c"]}}},
                {
                    **MODEL,
                    "id": "t/y",
                    "input": {
                        "lines": {
                            "type": "list",
                            "items": {"voice": {"type": "enum", "options": ["b", "z"]}},
                        }
                    },
                },
            ],
        }
    )
    first, second = catalog.models
    assert [(g.label.en, g.values) for g in first.input["voice"].groups] == [("Female", ["a"])]
    nested = second.input["lines"].items["voice"].groups
    assert [(g.label.ru, g.values) for g in nested] == [("Женские", ["b"]), ("Other", ["z"])]
