"""A prefill that fixes values, narrows the questions and words a text answer: the form asks
only what is left, shows the fixed values without an edit button, and submits the wording."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from engine.loader.bundle import load_bundle
from engine.plugin import CallContext, NoArgs, Plugin, PluginSet, query
from engine.runtime.interpreter import Runtime
from engine.runtime.memory_sessions import MemorySessionStore
from tests.engine.runtime.forms.test_controller import MODEL, SUBMITTED, TEXTS, Shop, User
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
  form:
    params: {model: text}
    text: main.form_header
    form:
      model: "{{ args.model }}"
      prefill: {query: preset.values}
      price: shop.price
      submit: shop.submit
      done: {screen: done, args: {echo: "{{ result.echo }}"}}
      cancel: start
  done:
    params: {echo: text}
    text: main.done
    keyboard:
      - [{text: main.home, go: start}]
"""


class Preset(BaseModel):
    values: dict[str, Any]
    fixed: list[str]
    ask: list[str]
    compose: dict[str, str]


class Presets(Plugin):
    namespace = "preset"

    @query
    async def values(self, ctx: CallContext, args: NoArgs) -> Preset:
        return Preset(
            values={"mode": "pro", "duration": 10},
            fixed=["mode", "duration"],
            ask=["prompt", "image"],
            compose={"prompt": "{answer}, slow motion"},
        )


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
    runtime = Runtime(
        load_bundle(root), PluginSet.of([Shop(), Presets()]), MemorySessionStore(), RecordingMessenger()
    )
    SUBMITTED.clear()
    return User(runtime, runtime.messenger)  # type: ignore[arg-type]


async def test_only_the_questions_left_are_asked_and_counted(user: User) -> None:
    await user.send("/start")
    await user.press("Make a video")
    assert "form ask_text" in user.screen
    await user.send("a cat surfing")
    assert "form ask_file" in user.screen  # mode and duration are fixed; sound is left out
    await user.press("form skip")
    assert "form summary" in user.screen


async def test_fixed_values_are_shown_but_not_editable_and_the_wording_is_sent(user: User) -> None:
    await user.send("/start")
    await user.press("Make a video")
    await user.send("a cat surfing")
    await user.press("form skip")
    edits = [b for b in user.buttons() if b.startswith("form edit")]
    assert len(edits) == 3  # prompt, image and sound (left out, so it keeps its default)
    await user.press("form confirm")
    assert SUBMITTED == [
        {"prompt": "a cat surfing, slow motion", "mode": "pro", "duration": 10, "sound": False}
    ]
