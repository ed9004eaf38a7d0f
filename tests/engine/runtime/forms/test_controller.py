"""Forms generated from a model's input schema, walked as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from engine.files.source import MemoryFiles
from engine.loader.bundle import load_bundle
from engine.plugin import ActionError, CallContext, Plugin, PluginSet, action, query
from engine.runtime.incoming import FileInfo, Incoming, Kind, Person
from engine.runtime.interpreter import Runtime
from engine.runtime.memory_sessions import MemorySessionStore
from tests.support.media import mp4, padded_png, png
from tests.support.messenger import RecordingMessenger
from tests.support.projects import write_project

FLOW = """\
commands:
  start: start
screens:
  start:
    text: main.title
    keyboard:
      - [{text: main.go, go: form, args: {model: demo/video}}]
      - [{text: main.bad, go: form, args: {model: no/such}}]
  form:
    params: {model: text}
    text: main.form_header
    form:
      model: "{{ args.model }}"
      price: shop.price
      submit: shop.submit
      done: {screen: done, args: {echo: "{{ result.echo }}"}}
      cancel: start
  done:
    params: {echo: text}
    text: main.done
    keyboard:
      - [{text: main.home, go: start}, {text: main.back, back: true}]
      - [{text: main.again, go: form, args: {model: demo/video}}]
"""

TEXTS = """\
main:
  title: Menu
  go: Make a video
  bad: Broken
  form_header: "{{ form.model_name }}"
  done: "Submitted {{ args.echo }}"
  home: Home
  back: Back
  again: Again
  poor: Not enough money
"""

MODEL = """\
tasks:
  - {id: video, name: {ru: Видео, en: Video}}
models:
  - id: demo/video
    vendor: Demo
    category: text-to-video
    tasks: [video]
    name: {ru: Демо-видео, en: Demo video}
    description: {ru: Видео, en: Video}
    price:
      cases:
        - {when: {mode: [pro]}, credits: 20, per: duration}
        - {credits: 10, per: duration}
    input:
      prompt: {type: string, required: true, max_length: 50}
      mode:
        type: enum
        default: std
        options:
          - {value: std, label: {ru: Обычный, en: Standard}}
          - {value: pro, label: {ru: Про, en: Pro}}
      duration: {type: integer, minimum: 5, maximum: 10, default: 5}
      image: {type: file, media: image, max_mb: 1, ask_when: {mode: [pro]}}
      sound: {type: boolean, default: false}
"""


class PriceArgs(BaseModel):
    model: str
    values: dict


class Price(BaseModel):
    text: str
    credits: int


class Submitted(BaseModel):
    echo: str


SUBMITTED: list[dict] = []


class Shop(Plugin):
    namespace = "shop"

    @query
    async def price(self, ctx: CallContext, args: PriceArgs) -> Price:
        per = 20 if args.values.get("mode") == "pro" else 10
        credits = per * int(args.values.get("duration", 5))
        return Price(text=f"{credits} cr", credits=credits)

    @action
    async def submit(self, ctx: CallContext, args: PriceArgs) -> Submitted:
        if "poor" in args.values["prompt"]:
            raise ActionError("main.poor")
        SUBMITTED.append(args.values)
        return Submitted(echo=args.values["prompt"])


ANN = Person(id=5, first_name="Ann", language_code="en")


class User:
    """A scripted user: sends and presses, reads what the bot shows last."""

    def __init__(self, runtime: Runtime, messenger: RecordingMessenger) -> None:
        self.rt, self.m = runtime, messenger

    async def send(self, text: str) -> None:
        kind = Kind.COMMAND if text.startswith("/") else Kind.TEXT
        await self.rt.handle(Incoming(kind, ANN, ANN.id, text=text.lstrip("/")))

    async def send_file(self, file: FileInfo) -> None:
        await self.rt.handle(Incoming(Kind.FILE, ANN, ANN.id, file=file))

    async def press(self, label: str) -> None:
        message_id, data = self.m.button(label)
        await self.rt.handle(
            Incoming(Kind.PRESS, ANN, ANN.id, callback_id="q", callback_data=data, message_id=message_id)
        )

    @property
    def screen(self) -> str:
        return self.m.last.view.text

    def buttons(self) -> list[str]:
        return [b.text for row in self.m.last.view.keyboard for b in row]


@pytest.fixture
async def user(tmp_path: Path) -> User:
    root = write_project(
        tmp_path,
        {
            "flows/main.yaml": FLOW,
            "locales/ru.yaml": TEXTS,
            "locales/en.yaml": TEXTS,
            "models/demo.yaml": MODEL,
        },
    )
    bundle = load_bundle(root)
    messenger = RecordingMessenger()
    files = MemoryFiles({"vid": mp4(3), "big": padded_png(2 * 1024 * 1024), "good": png(), "img": png()})
    runtime = Runtime(bundle, PluginSet.of([Shop()]), MemorySessionStore(), messenger, files=files)
    SUBMITTED.clear()
    return User(runtime, messenger)


async def test_walk_the_form_with_defaults_to_the_summary(user: User) -> None:
    await user.send("/start")
    await user.press("Make a video")
    assert user.screen.startswith("Demo video")
    assert "form ask_text" in user.screen
    await user.send("a cat surfing")
    assert "form ask_choice" in user.screen
    assert user.buttons()[:2] == ["Standard", "Pro"]
    await user.press("Standard")
    assert "form ask_number" in user.screen
    await user.press("form skip")
    assert "form ask_boolean" in user.screen  # image is not asked in the standard mode
    await user.press("form no")
    assert "form summary" in user.screen
    await user.press("form confirm")
    assert user.screen == "Submitted a cat surfing"
    assert SUBMITTED == [{"prompt": "a cat surfing", "mode": "std", "duration": 5, "sound": False}]


async def test_invalid_answers_are_refused_and_change_nothing(user: User) -> None:
    await user.send("/start")
    await user.press("Make a video")
    await user.send("x" * 51)
    assert user.screen.startswith("form error_text_length")
    assert "form ask_text" in user.screen
    await user.send("ok prompt")
    await user.send("typing instead of pressing")
    assert user.screen.startswith("form error_use_buttons")
    await user.press("Pro")
    await user.send("eleven")
    assert user.screen.startswith("form error_number")
    await user.send("11")
    assert user.screen.startswith("form error_range")
    await user.send("10")
    assert "form ask_file" in user.screen  # pro mode asks for the image
    await user.send_file(FileInfo(kind="video", file_id="vid"))
    assert user.screen.startswith("form error_file_kind")
    await user.send_file(FileInfo(kind="photo", file_id="big", file_size=2 * 1024 * 1024))
    assert user.screen.startswith("form error_file_size")
    await user.send_file(FileInfo(kind="photo", file_id="good", file_size=1000))
    await user.press("form yes")
    assert "form summary" in user.screen
    await user.press("form confirm")
    values = SUBMITTED[0]
    assert values["duration"] == 10 and values["image"]["file_id"] == "good"
    assert values["sound"] is True


async def test_edit_from_the_summary_and_drop_fields_no_longer_asked(user: User) -> None:
    await user.send("/start")
    await user.press("Make a video")
    await user.send("prompt")
    await user.press("Pro")
    await user.send("6")
    await user.send_file(FileInfo(kind="photo", file_id="img", file_size=10))
    await user.press("form skip")
    assert "form summary" in user.screen
    await user.press("form edit")  # the first edit button: prompt
    assert "form ask_text" in user.screen
    await user.send("new prompt")
    assert "form summary" in user.screen
    # switch the mode back to standard: the image no longer applies
    mode_edit = [b for b in user.buttons() if b == "form edit"]
    assert len(mode_edit) == 5
    message_id, _ = user.m.button("form edit")
    row_two = user.m.messages[message_id].view.keyboard[0][1]
    await user.rt.handle(
        Incoming(
            Kind.PRESS,
            ANN,
            ANN.id,
            callback_id="q",
            callback_data=row_two.callback_data,
            message_id=message_id,
        )
    )
    await user.press("Standard")
    await user.press("form confirm")
    assert SUBMITTED == [{"prompt": "new prompt", "mode": "std", "duration": 6, "sound": False}]


async def test_submit_refused_keeps_the_summary_with_the_reason(user: User) -> None:
    await user.send("/start")
    await user.press("Make a video")
    await user.send("poor me")
    await user.press("Standard")
    await user.press("form skip")
    await user.press("form skip")
    await user.press("form confirm")
    assert user.screen.startswith("Not enough money")
    assert "form summary" in user.screen and SUBMITTED == []


async def test_cancel_and_back(user: User) -> None:
    await user.send("/start")
    await user.press("Make a video")
    await user.send("prompt")
    await user.press("form back")
    assert "form ask_text" in user.screen
    await user.press("form cancel")
    assert user.screen == "Menu"


async def test_back_after_a_form_never_returns_into_the_finished_form(user: User) -> None:
    await user.send("/start")
    await user.press("Make a video")
    await user.send("a cat")
    await user.press("Standard")
    await user.press("form skip")
    await user.press("form no")
    await user.press("form confirm")
    await user.press("Back")  # from where the form led: to where the user was before it
    assert user.screen == "Menu"


async def test_unknown_model_leaves_with_a_message(user: User) -> None:
    await user.send("/start")
    await user.press("Broken")
    assert user.screen.startswith("form error_model")
    assert user.screen.endswith("Menu")


async def test_form_survives_a_restart(user: User) -> None:
    await user.send("/start")
    await user.press("Make a video")
    await user.send("prompt")
    restarted = Runtime(user.rt.bundle, PluginSet.of([Shop()]), user.rt.store, user.m)
    user.rt = restarted
    await user.press("Pro")
    assert "form ask_number" in user.screen
