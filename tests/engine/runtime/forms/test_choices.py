"""A long choice: a page of options at a time, filters from the field's groups, and every
option keeps its index in the whole list (a press never depends on the page it was on)."""

from __future__ import annotations

from typing import Any

from engine.runtime.forms.choices import PAGE_SIZE, choice_rows, typed_choice
from engine.runtime.forms.view import ButtonMaker
from engine.runtime.presses import Browse, Choose, restored
from engine.schema.catalog import InputField

VOICES = InputField.model_validate(
    {
        "type": "enum",
        "options": [{"value": f"v{i}", "label": f"Voice {i}"} for i in range(30)],
        "groups": [
            {"label": {"ru": "Женские", "en": "Female"}, "values": [f"v{i}" for i in range(0, 30, 2)]},
            {"label": {"ru": "Мужские", "en": "Male"}, "values": [f"v{i}" for i in range(1, 30, 2)]},
        ],
    }
)


def label(key: str, params: dict[str, Any]) -> str:
    return f"{key}:{params}"


def presses(maker: ButtonMaker) -> dict[str, Any]:
    return {key: restored(data) for key, data in maker.actions.items()}


def test_a_long_choice_is_paged_with_filters_and_arrows() -> None:
    maker = ButtonMaker("s", 1)
    shown = choice_rows(VOICES, "ru", maker, label, 0, None)
    assert (shown.page, shown.pages, shown.group) == (1, 3, "")
    chosen = [p for p in presses(maker).values() if isinstance(p, Choose)]
    assert [p.index for p in chosen] == list(range(PAGE_SIZE))
    assert Browse(page=1) in presses(maker).values()
    filters = [b.text for b in shown.rows[0]]
    assert filters[0].startswith("form.group_all") and "'selected': True" in filters[0]


def test_a_filter_narrows_the_options_and_keeps_their_indexes() -> None:
    maker = ButtonMaker("s", 1)
    shown = choice_rows(VOICES, "en", maker, label, 1, 1)
    assert (shown.page, shown.pages, shown.group) == (2, 2, "Male")
    chosen = [p.index for p in presses(maker).values() if isinstance(p, Choose)]
    assert chosen == [25, 27, 29]
    assert Browse(page=0, group=1) in presses(maker).values()


def test_an_unknown_group_or_page_shows_the_nearest_real_one() -> None:
    maker = ButtonMaker("s", 1)
    shown = choice_rows(VOICES, "ru", maker, label, 99, 7)
    assert (shown.page, shown.pages, shown.group) == (3, 3, "")


def test_a_short_choice_is_shown_whole() -> None:
    short = InputField.model_validate({"type": "enum", "options": ["1:1", "9:16", "16:9"]})
    maker = ButtonMaker("s", 1)
    shown = choice_rows(short, "ru", maker, label, 0, None)
    assert (shown.page, shown.pages) == (0, 0)
    assert [b.text for row in shown.rows for b in row] == ["1:1", "9:16", "16:9"]


def test_a_choice_typed_by_its_name() -> None:
    assert typed_choice(VOICES, "voice 7", "ru") == 7
    assert typed_choice(VOICES, "  VOICE   12 ", "ru") == 12
    assert typed_choice(VOICES, "oice 2", "ru") is None  # 2, 20 … 29: not one
    assert typed_choice(VOICES, "Carol", "ru") is None
    short = InputField.model_validate({"type": "enum", "options": ["1:1", "9:16", "16:9"]})
    assert typed_choice(short, "16:9", "ru") == 2
    assert typed_choice(short, "16", "ru") is None  # a short list takes only a whole label
