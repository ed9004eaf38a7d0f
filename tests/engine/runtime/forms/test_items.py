"""A list of objects in a form (dialogue lines), walked as a user would: add, remove, Done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from engine.files.source import MemoryFiles
from engine.loader.bundle import Bundle, load_bundle
from engine.plugin import CallContext, Plugin, PluginSet, action, query
from engine.runtime.forms import items
from engine.runtime.forms.state import FormState
from engine.runtime.incoming import FileInfo, Incoming, Kind, Person
from engine.runtime.interpreter import Runtime
from engine.runtime.memory_sessions import MemorySessionStore
from plugins.catalog.pricing import credits_for
from tests.conftest import PROJECT_ROOT
from tests.support.media import mp4, padded_png, png
from tests.support.messenger import RecordingMessenger
from tests.support.projects import engine_texts, write_project

FLOW = """\
commands:
  start: start
screens:
  start:
    text: main.title
    keyboard:
      - [{text: main.go, go: form, args: {model: demo/dialogue}}]
  form:
    params: {model: text}
    text: main.form_header
    form:
      model: "{{ args.model }}"
      price: shop.price
      submit: shop.submit
      done: done
      cancel: start
  done:
    text: main.done
"""

MODEL = """\
tasks:
  - {id: talk, name: {ru: Разговор, en: Talk}}
models:
  - id: demo/dialogue
    vendor: Demo
    category: text-to-speech
    tasks: [talk]
    name: {ru: Диалог, en: Dialogue}
    description: {ru: Диалог голосами, en: A voiced dialogue}
    price:
      cases:
        - {credits: 14, per: lines.text, unit: 1000}
    input:
      lines:
        type: list
        required: true
        title: {ru: Реплики, en: Lines}
        min_items: 2
        max_items: 3
        items:
          text: {type: string, required: true, max_length: 20, title: {ru: Текст, en: Text}}
          voice:
            type: enum
            required: true
            title: {ru: Голос, en: Voice}
            options: [{value: v1, label: Anna}, {value: v2, label: Boris}]
          speed: {type: number, minimum: 0.5, maximum: 2, title: {ru: Темп, en: Speed}}
          face:
            type: file
            media: image
            max_mb: 1
            api_name: Face
            title: {ru: Лицо, en: Face}
      mood: {type: enum, default: calm, options: [calm, angry]}
"""

MAIN = {"title": "Menu", "go": "Talk", "form_header": "{{ form.model_name }}", "done": "Submitted"}
SUBMITTED: list[dict[str, Any]] = []


def locale() -> str:
    """Placeholders for the engine's texts, but the real form texts: the test reads what a user
    reads."""
    texts = yaml.safe_load(engine_texts())
    texts["form"] = yaml.safe_load((PROJECT_ROOT / "locales" / "en.yaml").read_text())["form"]
    for topic in sorted((PROJECT_ROOT / "locales" / "en").glob("*.yaml")):  # texts split by topic
        texts["form"].update(yaml.safe_load(topic.read_text()).get("form", {}))
    return yaml.safe_dump({"main": MAIN, **texts}, allow_unicode=True)


class PriceArgs(BaseModel):
    model: str
    values: dict[str, Any]


class Price(BaseModel):
    text: str
    free: bool = False


class Shop(Plugin):
    """Prices with the catalog's own rule, so the summary shows what the rule gives."""

    namespace = "shop"

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle

    @query
    async def price(self, ctx: CallContext, args: PriceArgs) -> Price:
        credits = credits_for(self.bundle.models[args.model].entry, args.values)
        return Price(text=f"{credits} cr")

    @action
    async def submit(self, ctx: CallContext, args: PriceArgs) -> Price:
        SUBMITTED.append(args.values)
        return Price(text="ok")


ANN = Person(id=7, first_name="Ann", language_code="en")


class User:
    def __init__(self, runtime: Runtime, messenger: RecordingMessenger) -> None:
        self.rt, self.m = runtime, messenger

    async def send(self, text: str = "", file: FileInfo | None = None) -> None:
        kind = Kind.FILE if file else Kind.COMMAND if text.startswith("/") else Kind.TEXT
        await self.rt.handle(Incoming(kind, ANN, ANN.id, text=text.lstrip("/"), file=file))

    async def press(self, label: str) -> None:
        message_id, data = self.m.button(label)
        await self.rt.handle(
            Incoming(Kind.PRESS, ANN, ANN.id, callback_id="q", callback_data=data, message_id=message_id)
        )

    async def forge(self, key: str) -> None:
        """A press of a button this screen does not show (an old message, a crafted client)."""
        _, data = self.m.button(self.buttons()[0])
        await self.rt.handle(
            Incoming(
                Kind.PRESS,
                ANN,
                ANN.id,
                callback_id="q",
                callback_data=data.rsplit(":", 1)[0] + ":" + key,
                message_id=self.m.last.message_id,
            )
        )

    async def state(self) -> FormState:
        session = await self.rt.store.load(ANN.id, ANN.id, "en")
        state = FormState.from_json(session.form)
        assert state is not None
        return state

    @property
    def screen(self) -> str:
        return self.m.last.view.text

    def buttons(self) -> list[str]:
        return [b.text for row in self.m.last.view.keyboard for b in row]

    def said(self, since: int) -> str:
        """What the user saw after answer ``since``: the screen and any press notices."""
        return self.screen + "".join(a or "" for _, a in self.m.answers[since:])


@pytest.fixture
async def user(tmp_path: Path) -> User:
    root = write_project(tmp_path, {"flows/main.yaml": FLOW, "models/demo.yaml": MODEL})
    for language in ("ru", "en"):
        (root / "locales" / f"{language}.yaml").write_text(locale(), encoding="utf-8")
    bundle = load_bundle(root)
    messenger = RecordingMessenger()
    SUBMITTED.clear()
    files = MemoryFiles({"face1": png(), "p": png(), "big": padded_png(2 * 1024 * 1024), "v": mp4(3)})
    runtime = Runtime(bundle, PluginSet.of([Shop(bundle)]), MemorySessionStore(), messenger, files=files)
    person = User(runtime, messenger)
    await person.send("/start")
    await person.press("Talk")
    return person


async def add_line(user: User, text: str, voice: str, speed: str | None = None) -> None:
    await user.press("➕ Add")
    await user.send(text)
    await user.press(voice)
    if speed is None:
        await user.press("Skip")
    else:
        await user.send(speed)
    await user.press("Skip")  # no face


async def test_add_two_remove_one_done_and_the_summary_shows_them(user: User) -> None:
    assert "<b>Lines: 0 added</b>" in user.screen and "at least 2 needed" in user.screen
    assert "Done (0)" not in user.buttons() and "➖ Remove last" not in user.buttons()
    await user.press("➕ Add")
    assert "<b>Lines</b> · item 1" in user.screen and "<b>Text</b>" in user.screen
    await user.send("Hello there")
    assert user.buttons()[:2] == ["Anna", "Boris"]
    await user.press("Anna")
    await user.send("1.5")
    assert "<b>Face</b>" in user.screen
    await user.send(file=FileInfo(kind="photo", file_id="face1", file_size=1000))
    assert "<b>Lines: 1 added</b>\n1. Hello there, Anna, 1.5, 📎 photo" in user.screen
    await add_line(user, "Hi", "Boris")
    await add_line(user, "Bye", "Anna")
    assert "<b>Lines: 3 added</b>" in user.screen and "3. Bye, Anna" in user.screen
    assert "➕ Add" not in user.buttons()  # max_items stops Add
    await user.press("➖ Remove last")
    assert "<b>Lines: 2 added</b>" in user.screen and "Bye" not in user.screen
    await user.press("Done (2)")
    await user.press("calm")
    assert "• Lines: 2: Hello there, Anna, 1.5, 📎 photo; Hi, Boris" in user.screen
    assert "Price: 0.182 cr" in user.screen  # 14 per 1000 characters of 13
    await user.press("✅ Confirm")
    face = {
        "file_id": "face1",
        "kind": "photo",
        "mime_type": "image/png",
        "file_name": None,
        "file_size": len(png()),
    }
    lines = [
        {"text": "Hello there", "voice": "v1", "speed": 1.5, "face": face},
        {"text": "Hi", "voice": "v2"},
    ]
    assert len(SUBMITTED) == 1 and SUBMITTED[0] == {"lines": lines, "mood": "calm"}


async def test_invalid_item_answers_are_refused_and_change_nothing(user: User) -> None:
    await user.send("typing on the list screen")
    assert user.screen.startswith("Please choose an option with the buttons")
    await user.press("➕ Add")
    before = await user.state()
    await user.send("x" * 21)
    assert user.screen.startswith("Too long: at most 20 characters.")
    assert await user.state() == before
    await user.send("fine")
    await user.send("Carol")  # not a button
    assert user.screen.startswith("Please choose an option")
    await user.press("Boris")
    before = await user.state()
    await user.send("7")
    assert user.screen.startswith("The number must be from 0.5 to 2.")
    await user.send(file=FileInfo(kind="photo", file_id="p", file_size=10))
    assert user.screen.startswith("This step needs a number from 0.5 to 2.")  # a photo is not a number
    assert await user.state() == before
    await user.press("Skip")
    before = await user.state()
    await user.send(file=FileInfo(kind="photo", file_id="big", file_size=2 * 1024 * 1024))
    assert user.screen.startswith("The file is too big: at most 1 MB.")
    await user.send(file=FileInfo(kind="video", file_id="v"))
    assert user.screen.startswith("A file is needed here: an image.")
    assert await user.state() == before


async def test_done_before_min_items_is_refused(user: User) -> None:
    await add_line(user, "Only one", "Anna")
    assert "Done (1)" not in user.buttons()
    before, answers = await user.state(), len(user.m.answers)
    await user.forge("f.done")  # not on this screen: out of date
    assert "engine stale" in user.said(answers)
    assert await user.state() == before
    # the form itself refuses too, whatever the press: too few items are never "done"
    lines = user.rt.bundle.models["demo/dialogue"].entry.input["lines"]
    assert items.finished(lines, before) == items.COUNT_REFUSAL


async def test_back_inside_an_item_and_edit_from_the_summary(user: User) -> None:
    await user.press("➕ Add")
    await user.send("first")
    await user.press("◀️ Back")  # to the item's text again
    assert "<b>Text</b>" in user.screen
    await user.press("◀️ Back")  # out of the item: nothing added
    assert "<b>Lines: 0 added</b>" in user.screen
    await add_line(user, "One", "Anna")
    await add_line(user, "Two", "Boris")
    await user.press("Done (2)")
    await user.press("calm")
    await user.press("✏️ Lines")  # reopens the list with its items
    assert "<b>Lines: 2 added</b>\n1. One, Anna\n2. Two, Boris" in user.screen
    await user.press("➖ Remove last")
    await add_line(user, "Three", "Anna")
    await user.press("Done (2)")
    assert "• Lines: 2: One, Anna; Three, Anna" in user.screen
    await user.press("✏️ Lines")
    await user.press("➖ Remove last")
    await user.press("◀️ Back")  # leaving the list keeps its old value
    assert "• Lines: 2: One, Anna; Three, Anna" in user.screen
