"""``Runtime.refresh``: after the flows were reloaded (local preview), the user's screen is drawn
again from the new bundle in place, keeping where they are; a screen the new flows no longer
have is treated as stale, and a press on its old keyboard runs nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from engine.loader.bundle import load_bundle
from engine.plugin import PluginSet
from engine.runtime.incoming import Incoming, Kind, Person
from engine.runtime.interpreter import Runtime
from engine.runtime.memory_sessions import MemorySessionStore
from plugins.user import UserPlugin
from tests.support.messenger import RecordingMessenger
from tests.support.projects import BASE_FLOW, BASE_TEXTS, write_project

ANN = Person(id=1, first_name="Ann", language_code="en")


def runtime_on(root: Path, messenger: RecordingMessenger, store: MemorySessionStore) -> Runtime:
    return Runtime(load_bundle(root), PluginSet.of([UserPlugin()]), store, messenger)


async def test_a_changed_text_is_redrawn_in_place_on_the_same_screen(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    messenger, store = RecordingMessenger(), MemorySessionStore()
    old = runtime_on(root, messenger, store)
    await old.handle(Incoming(Kind.COMMAND, ANN, ANN.id, text="start"))
    message_id, data = messenger.button("Help")
    await old.handle(
        Incoming(Kind.PRESS, ANN, ANN.id, callback_id="c", callback_data=data, message_id=message_id)
    )
    assert messenger.last.view.text == "Help text"
    write_project(root, {"locales/en.yaml": BASE_TEXTS.replace("Help text", "Fresh help")})
    new = runtime_on(root, messenger, store)
    await new.refresh(ANN, ANN.id, edit=message_id)
    assert messenger.last.view.text == "Fresh help"
    assert messenger.last.edited and messenger.last.message_id == message_id
    session = await store.load(ANN.id, ANN.id, "en")
    assert session.screen == "main.help" and [f.screen for f in session.stack] == ["main.start"]


async def test_a_screen_that_is_gone_is_stale_and_its_old_buttons_run_nothing(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    messenger, store = RecordingMessenger(), MemorySessionStore()
    old = runtime_on(root, messenger, store)
    await old.handle(Incoming(Kind.COMMAND, ANN, ANN.id, text="start"))
    message_id, data = messenger.button("Help")
    await old.handle(
        Incoming(Kind.PRESS, ANN, ANN.id, callback_id="c", callback_data=data, message_id=message_id)
    )
    _, back = messenger.button("Back")
    without_help = BASE_FLOW.replace("      - [{text: main.help, go: help}]\n", "      []\n")
    without_help = without_help[: without_help.index("  help:")]
    write_project(root, {"flows/main.yaml": without_help})
    new = runtime_on(root, messenger, store)
    assert "main.help" not in new.bundle.screens
    # a press on the vanished screen's keyboard: answered as stale, the start screen shown
    await new.handle(
        Incoming(Kind.PRESS, ANN, ANN.id, callback_id="c2", callback_data=back, message_id=message_id)
    )
    assert messenger.last.view.text.endswith("Hello")
    assert (await store.load(ANN.id, ANN.id, "en")).screen == "main.start"
    # and a refresh of a session left on it starts over with the stale notice
    session = await store.load(ANN.id, ANN.id, "en")
    session.screen = "main.help"
    await store.save(session)
    await new.refresh(ANN, ANN.id, edit=message_id)
    assert messenger.last.view.text == "engine stale\n\nHello"
    assert (await store.load(ANN.id, ANN.id, "en")).screen == "main.start"


async def test_settle_waits_for_a_turn_in_hand(tmp_path: Path) -> None:
    runtime = runtime_on(write_project(tmp_path), RecordingMessenger(), MemorySessionStore())
    assert await runtime.settle(0.1)
    gate = asyncio.Event()

    async def slow(turn: object) -> None:
        await gate.wait()

    turn = asyncio.ensure_future(runtime._turn(Incoming(Kind.COMMAND, ANN, ANN.id, text="x"), slow))
    await asyncio.sleep(0.05)
    assert not await runtime.settle(0.1)  # a turn is running
    gate.set()
    assert await runtime.settle(5)
    await turn
