"""Moves between screens with typed parameters: arguments are checked on arrival, a screen is
redrawn as it was (page, parameters), and what does not fit never reaches a template."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from engine.lint.linter import lint
from engine.loader.bundle import load_bundle
from engine.plugin import CallContext, NoArgs, Plugin, PluginSet, action, query
from engine.runtime.incoming import Incoming, Kind, Person
from engine.runtime.interpreter import Runtime
from engine.runtime.memory_sessions import MemorySessionStore
from tests.support.messenger import RecordingMessenger
from tests.support.projects import write_project

FLOW = """\
commands:
  start: start
screens:
  start:
    text: main.title
    keyboard:
      - for_each: shop.items
        page_size: 2
        button: {text: main.item, go: item, args: {n: "{{ item.n }}"}}
      - [{text: main.ask, go: ask}]
  item:
    params: {n: integer}
    text: main.item_text
    keyboard:
      - [{text: main.bump, call: shop.bump, args: {n: "{{ args.n }}"}, next: item}]
      - [{text: main.next, call: shop.bump, args: {n: "{{ args.n }}"},
          next: {screen: item, args: {n: "{{ result.n }}"}}}]
      - [{text: main.back, back: true}]
  ask:
    text: main.ask_text
    input: {accept: [text], next: {screen: item, args: {n: "{{ input }}"}}}
    keyboard:
      - [{text: main.back, back: true}]
"""

TEXTS = """\
main:
  title: Shop
  item: "Item {{ item.n }}"
  item_text: "Item number {{ args.n }}"
  ask: Ask
  ask_text: Which number?
  bump: Bump
  next: Next
  back: Back
"""


class Item(BaseModel):
    n: int


class Bumped(BaseModel):
    n: int


class Shop(Plugin):
    namespace = "shop"
    bumps: list[int]

    def __init__(self) -> None:
        self.bumps = []

    @query
    async def items(self, ctx: CallContext, args: NoArgs) -> list[Item]:
        return [Item(n=i) for i in range(1, 6)]

    @action
    async def bump(self, ctx: CallContext, args: Item) -> Bumped:
        self.bumps.append(args.n)
        return Bumped(n=args.n + 1)


ANN = Person(id=1, first_name="Ann", language_code="en")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path, {"flows/main.yaml": FLOW, "locales/ru.yaml": TEXTS, "locales/en.yaml": TEXTS}
    )


@pytest.fixture
def rt(project: Path) -> tuple[Runtime, RecordingMessenger, Shop]:
    shop, messenger = Shop(), RecordingMessenger()
    runtime = Runtime(load_bundle(project), PluginSet.of([shop]), MemorySessionStore(), messenger)
    return runtime, messenger, shop


async def press(rt: Runtime, m: RecordingMessenger, label: str) -> None:
    message_id, data = m.button(label)
    await rt.handle(
        Incoming(Kind.PRESS, ANN, ANN.id, callback_id="c", callback_data=data, message_id=message_id)
    )


def test_the_project_lints_clean(project: Path) -> None:
    assert lint(load_bundle(project), PluginSet([Shop.declarations()])) == []


async def test_arguments_arrive_typed_and_a_call_back_to_the_screen_keeps_them(rt) -> None:
    runtime, m, shop = rt
    await runtime.handle(Incoming(Kind.COMMAND, ANN, ANN.id, text="start"))
    await press(runtime, m, "Item 2")
    assert m.last.view.text == "Item number 2"
    session = await runtime.store.load(ANN.id, ANN.id, "en")
    assert session.args == {"n": 2}  # an integer, not the text "2"
    await press(runtime, m, "Bump")  # next: item, no args: kept
    assert m.last.view.text == "Item number 2" and shop.bumps == [2]
    await press(runtime, m, "Next")  # next args read the result
    assert m.last.view.text == "Item number 3" and shop.bumps == [2, 2]


async def test_a_page_turn_is_kept_when_coming_back(rt) -> None:
    runtime, m, _ = rt
    await runtime.handle(Incoming(Kind.COMMAND, ANN, ANN.id, text="start"))
    await press(runtime, m, "engine next_page")
    await press(runtime, m, "Item 3")
    await press(runtime, m, "Back")
    labels = [b.text for row in m.last.view.keyboard for b in row]
    assert labels[:2] == ["Item 3", "Item 4"]


async def test_input_that_does_not_fit_a_parameter_is_refused_and_changes_nothing(rt) -> None:
    runtime, m, _ = rt
    await runtime.handle(Incoming(Kind.COMMAND, ANN, ANN.id, text="start"))
    await press(runtime, m, "Ask")
    await runtime.handle(Incoming(Kind.TEXT, ANN, ANN.id, text="seven"))
    assert m.last.view.text == "engine invalid_input\n\nWhich number?"
    session = await runtime.store.load(ANN.id, ANN.id, "en")
    assert session.screen == "main.ask"
    await runtime.handle(Incoming(Kind.TEXT, ANN, ANN.id, text="7"))
    assert m.last.view.text == "Item number 7"


async def test_an_outdated_press_redraws_the_current_screen_as_it_was(rt) -> None:
    runtime, m, shop = rt
    await runtime.handle(Incoming(Kind.COMMAND, ANN, ANN.id, text="start"))
    await press(runtime, m, "Item 2")
    old_id, old_bump = m.button("Bump")
    await press(runtime, m, "Bump")
    await runtime.handle(
        Incoming(Kind.PRESS, ANN, ANN.id, callback_id="c2", callback_data=old_bump, message_id=old_id)
    )
    assert shop.bumps == [2]  # nothing ran twice
    assert m.answers[-1] == ("c2", "engine stale")
    assert m.last.view.text == "Item number 2"
