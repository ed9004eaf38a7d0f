"""Plug-ins that hook a command see its payload (a deep link's ``/start ref_x``) and whether
it is the user's first visit, may add a notice and send the user to another screen; a
refusal is a notice, and the command's own screen is shown all the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.loader.bundle import load_bundle
from engine.plugin import ActionError, CallContext, CommandEvent, CommandResult, Plugin, PluginSet
from engine.runtime.incoming import Incoming, Kind, Person
from engine.runtime.interpreter import Runtime
from engine.runtime.memory_sessions import MemorySessionStore
from plugins.user import UserPlugin
from tests.support.demo import Demo, write_demo_project
from tests.support.messenger import RecordingMessenger

ANN = Person(id=1, first_name="Ann", language_code="en")


class Hook(Plugin):
    namespace = "hook"
    command_hooks = ("start", "help")

    def __init__(self) -> None:
        self.events: list[CommandEvent] = []

    async def on_command(self, ctx: CallContext, event: CommandEvent) -> CommandResult | None:
        self.events.append(event)
        if event.payload == "refuse":
            raise ActionError("main.help")
        if event.payload == "go":
            return CommandResult("main.help", screen="main.help")
        return None


@pytest.fixture
def rig(tmp_path: Path) -> tuple[Runtime, RecordingMessenger, Hook]:
    hook, messenger = Hook(), RecordingMessenger()
    plugins = PluginSet.of([Demo(), UserPlugin(), hook])
    runtime = Runtime(load_bundle(write_demo_project(tmp_path)), plugins, MemorySessionStore(), messenger)
    return runtime, messenger, hook


def command(name: str, payload: str = "") -> Incoming:
    return Incoming(Kind.COMMAND, ANN, ANN.id, text=name, command_args=payload)


async def test_the_hook_sees_the_payload_and_the_first_visit_once(rig: Any) -> None:
    runtime, messenger, hook = rig
    await runtime.handle(command("start", "src_x"))
    assert messenger.last.view.text == "Hello Ann"  # nothing to add: the start screen as ever
    await runtime.handle(command("start", "src_y"))
    assert [(e.command, e.payload, e.first_visit) for e in hook.events] == [
        ("start", "src_x", True),
        ("start", "src_y", False),
    ]


async def test_a_hook_may_add_a_notice_and_choose_the_screen(rig: Any) -> None:
    runtime, messenger, _ = rig
    await runtime.handle(command("start", "go"))
    assert messenger.last.view.text.startswith("Help")
    assert "Send me a text" in messenger.last.view.text


async def test_a_refusal_is_a_notice_above_the_commands_own_screen(rig: Any) -> None:
    runtime, messenger, hook = rig
    await runtime.handle(command("help", "refuse"))
    assert messenger.last.view.text.startswith("Help")
    assert "Send me a text" in messenger.last.view.text
    assert hook.events[-1].command == "help"
