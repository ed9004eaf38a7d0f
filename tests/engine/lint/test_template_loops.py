"""Loops and lookup tables in texts are typed: a loop variable's fields are checked against an
item of what it loops over (TEXT004), and a table keyed by a closed type needs every key
(TEXT007) — both would otherwise fail or show a raw code only when a user opens the screen."""

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from engine.lint.linter import lint
from engine.loader.bundle import load_bundle
from engine.plugin import CallContext, NoArgs, Plugin, PluginSet, query
from tests.support.projects import BASE_FLOW, BASE_TEXTS, findings, write_project


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"


class Tag(BaseModel):
    name: str


class Thing(BaseModel):
    title: str
    colour: Colour
    size: Literal["s", "m"]
    tags: list[Tag]


class Shop(Plugin):
    namespace = "shop"

    @query
    async def things(self, ctx: CallContext, args: NoArgs) -> list[Thing]:
        return []


FLOW = BASE_FLOW.replace(
    "    text: main.title\n", "    text: main.title\n    data: {things: shop.things}\n", 1
)


def _lint(root: Path, title: str) -> list:
    texts = BASE_TEXTS.replace("  title: Hello\n", f"  title: '{title}'\n")
    write_project(root, {"flows/main.yaml": FLOW, "locales/ru.yaml": texts, "locales/en.yaml": texts})
    return lint(load_bundle(root), PluginSet([Shop.declarations()]))


def test_a_loop_variable_field_the_item_lacks_is_refused(tmp_path: Path) -> None:
    problems = _lint(tmp_path, "{% for t in things %}{{ t.titel }}{% endfor %}")
    assert sorted(findings(problems)) == [
        (code, f"locales/{lang}.yaml", 2) for code, lang in [("TEXT004", "en"), ("TEXT004", "ru")]
    ]
    assert '"t" in a loop over things has no "titel" (did you mean "title"?)' in problems[0].message


def test_nested_loops_are_typed_through_their_outer_loop(tmp_path: Path) -> None:
    good = "{% for t in things %}{% for g in t.tags %}{{ g.name }}{% endfor %}{% endfor %}"
    assert _lint(tmp_path, good) == []
    bad = "{% for t in things %}{% for g in t.tags %}{{ g.nmae }}{% endfor %}{% endfor %}"
    assert [p.code for p in _lint(tmp_path, bad)] == ["TEXT004", "TEXT004"]


def test_a_table_keyed_by_an_enum_needs_every_member(tmp_path: Path) -> None:
    table = '{% set c = {"red": "красный"} %}{% for t in things %}{{ c.get(t.colour, t.colour) }}{% endfor %}'
    problems = _lint(tmp_path, table)
    assert [p.code for p in problems] == ["TEXT007", "TEXT007"]
    assert "no entry for 'green'" in problems[0].message
    full = table.replace('"красный"}', '"красный", "green": "зелёный"}')
    assert _lint(tmp_path, full) == []


def test_a_table_keyed_by_a_literal_needs_every_value_and_indexing_counts(tmp_path: Path) -> None:
    problems = _lint(tmp_path, '{% set s = {"s": "S"} %}{% for t in things %}{{ s[t.size] }}{% endfor %}')
    assert [p.code for p in problems] == ["TEXT007", "TEXT007"]
    assert "no entry for 'm'" in problems[0].message


def test_a_table_keyed_by_open_text_is_not_judged(tmp_path: Path) -> None:
    assert (
        _lint(tmp_path, '{% set c = {"x": "y"} %}{% for t in things %}{{ c.get(t.title, "") }}{% endfor %}')
        == []
    )


def test_a_table_written_in_place_is_held_to_the_same(tmp_path: Path) -> None:
    inline = '{% for t in things %}{{ {"red": "к"}.get(t.colour, "") }}{% endfor %}'
    problems = _lint(tmp_path, inline)
    assert [p.code for p in problems] == ["TEXT007", "TEXT007"]
    assert "no entry for 'green'" in problems[0].message


def test_a_loop_over_what_a_set_made_is_not_typed_as_the_name_it_hides(tmp_path: Path) -> None:
    hidden = '{% set things = [{"titel": 1}] %}{% for t in things %}{{ t.titel }}{% endfor %}'
    assert _lint(tmp_path, hidden) == []
