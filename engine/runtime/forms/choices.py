"""A choice's buttons: every option at once, or, for a long list (67 voices), a page of them
with the filters the field's ``groups`` give ("female voices") and arrows between pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import ceil
from typing import Any

from engine.runtime.forms.view import ButtonMaker, option_label
from engine.runtime.presses import Browse, Choose
from engine.runtime.view import ViewButton
from engine.schema.catalog import EnumOption, InputField, canonical

PAGED_ABOVE = 16  # more options than this are shown a page at a time
PAGE_SIZE = 12
FILTERS_PER_ROW = 4

#: a button label by locale key and its parameters
Label = Callable[[str, dict[str, Any]], str]


@dataclass(frozen=True)
class Choices:
    rows: list[list[ViewButton]]
    page: int = 0  # from 1; 0 when all options fit on one screen
    pages: int = 0
    group: str = ""  # the filter's label, "" for all


def choice_rows(
    spec: InputField, language: str, maker: ButtonMaker, label: Label, page: int, group: int | None
) -> Choices:
    """The buttons of an enum step; ``Choose`` keeps each option's index in the whole list."""
    options = list(enumerate(spec.options))
    if len(options) <= PAGED_ABOVE:
        return Choices(_grid(_buttons(spec, language, maker, options), paged=False))
    rows: list[list[ViewButton]] = []
    chosen = group if group is not None and group < len(spec.groups) else None
    if spec.groups:
        filters = [maker.button(label("form.group_all", {"selected": chosen is None}), "f.ga", Browse())]
        filters += [
            maker.button(
                label("form.group", {"label": g.label.get(language), "selected": i == chosen}),
                f"f.g{i}",
                Browse(group=i),
            )
            for i, g in enumerate(spec.groups)
        ]
        rows += [filters[i : i + FILTERS_PER_ROW] for i in range(0, len(filters), FILTERS_PER_ROW)]
    if chosen is not None:
        keep = {canonical(v) for v in spec.groups[chosen].values}
        options = [(i, o) for i, o in options if canonical(o.value) in keep]
    pages = max(1, ceil(len(options) / PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = options[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows += _grid(_buttons(spec, language, maker, shown), paged=True)
    arrows = []
    if page > 0:
        arrows.append(
            maker.button(
                label("form.page_prev", {"page": page, "pages": pages}),
                "f.pp",
                Browse(page=page - 1, group=chosen),
            )
        )
    if page < pages - 1:
        arrows.append(
            maker.button(
                label("form.page_next", {"page": page + 2, "pages": pages}),
                "f.pn",
                Browse(page=page + 1, group=chosen),
            )
        )
    if arrows:
        rows.append(arrows)
    name = spec.groups[chosen].label.get(language) if chosen is not None else ""
    return Choices(rows, page + 1, pages, name)


def typed_choice(spec: InputField, text: str, language: str) -> int | None:
    """The option a typed answer names: its label exactly (any case), or, in a long list, the
    one label containing what was typed ("hope poe" finds "Hope · поэтичная"). None: no single one."""
    wanted = " ".join(text.casefold().split())
    if not wanted:
        return None
    labels = [option_label(spec, o.value, language).casefold() for o in spec.options]
    exact = [i for i, label in enumerate(labels) if label == wanted]
    if len(exact) == 1 or len(spec.options) <= PAGED_ABOVE:
        return exact[0] if len(exact) == 1 else None
    words = wanted.split()
    found = [i for i, label in enumerate(labels) if all(word in label for word in words)]
    return found[0] if len(found) == 1 else None


def _buttons(
    spec: InputField, language: str, maker: ButtonMaker, options: list[tuple[int, EnumOption]]
) -> list[ViewButton]:
    return [
        maker.button(option_label(spec, o.value, language), f"f.o{i}", Choose(index=i)) for i, o in options
    ]


def _grid(buttons: list[ViewButton], paged: bool) -> list[list[ViewButton]]:
    """Short labels three a row; a page of names two a row; long ones one a row."""
    if all(len(b.text) <= 8 for b in buttons):
        width = 3
    elif paged and all(len(b.text) <= 24 for b in buttons):
        width = 2
    else:
        width = 1
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]
