"""The interpreter in-process: a recording messenger, sessions in memory; where what is at
stake is how sessions reach PostgreSQL (written behind, a crash), real PostgreSQL sessions."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from app.bot import polling_sessions
from engine.loader.bundle import load_bundle
from engine.plugin import PluginSet
from engine.runtime.incoming import FileInfo, Incoming, Kind, Person
from engine.runtime.interpreter import Runtime
from engine.runtime.memory_sessions import KnownUser, MemorySessionStore
from engine.runtime.pg_sessions import PgSessionStore
from plugins.user import UserPlugin
from tests.support.demo import Demo, write_demo_project
from tests.support.messenger import RecordingMessenger

ANN = Person(id=1, first_name="Ann", language_code="en")
ADMIN = Person(id=99, first_name="Boss", language_code="ru")


@pytest.fixture
def bundle(tmp_path: Path):
    return load_bundle(write_demo_project(tmp_path))


@pytest.fixture
def sessions() -> MemorySessionStore:
    """The test's stored sessions: each runtime made is a process, these outlive it."""
    return MemorySessionStore()


@pytest.fixture
def runtime_factory(bundle, sessions: MemorySessionStore):
    def make(messenger: RecordingMessenger) -> Runtime:
        plugins = PluginSet.of([Demo(), UserPlugin()])
        return Runtime(bundle, plugins, sessions, messenger, frozenset({99}))

    return make


@pytest.fixture
def pg_runtime_factory(bundle, pool: asyncpg.Pool):
    """A new process over the sessions in PostgreSQL (uncached: it reads the table)."""

    def make(messenger: RecordingMessenger) -> Runtime:
        plugins = PluginSet.of([Demo(), UserPlugin()])
        return Runtime(bundle, plugins, PgSessionStore(pool), messenger, frozenset({99}))

    return make


def command(who: Person, name: str) -> Incoming:
    return Incoming(Kind.COMMAND, who, who.id, text=name)


def text(who: Person, value: str) -> Incoming:
    return Incoming(Kind.TEXT, who, who.id, text=value)


def press(who: Person, messenger: RecordingMessenger, label: str) -> Incoming:
    message_id, data = messenger.button(label)
    return Incoming(
        Kind.PRESS,
        who,
        who.id,
        callback_id=f"cb{len(messenger.answers)}",
        callback_data=data,
        message_id=message_id,
    )


async def test_start_renders_the_main_menu_with_paged_rows(runtime_factory) -> None:
    m = RecordingMessenger()
    rt = runtime_factory(m)
    await rt.handle(command(ANN, "start"))
    labels = [b.text for row in m.last.view.keyboard for b in row]
    assert m.last.view.text == "Hello Ann"
    assert labels[:3] == ["Item 1", "Item 2", "Item 3"]
    assert "Secret" not in labels  # guarded button hidden from a non-admin
    await rt.handle(press(ANN, m, "engine next_page"))
    labels = [b.text for row in m.last.view.keyboard for b in row]
    assert labels[:3] == ["Item 4", "Item 5", "Item 6"]
    assert m.last.edited and m.sends == 1


async def test_go_and_back_edit_in_place(runtime_factory) -> None:
    m = RecordingMessenger()
    rt = runtime_factory(m)
    await rt.handle(command(ANN, "start"))
    await rt.handle(press(ANN, m, "Item 2"))
    assert m.last.view.text == "You chose 2"
    await rt.handle(press(ANN, m, "Back"))
    assert m.last.view.text == "Hello Ann"
    assert m.sends == 1 and [a[1] for a in m.answers] == [None, None]


async def test_stale_press_is_refused_with_the_current_screen(runtime_factory) -> None:
    m = RecordingMessenger()
    rt = runtime_factory(m)
    await rt.handle(command(ANN, "start"))
    old = press(ANN, m, "Item 1")
    await rt.handle(press(ANN, m, "Item 2"))
    await rt.handle(old)
    assert m.answers[-1][1] == "engine stale"
    assert m.last.view.text == "You chose 2"


async def test_forged_press_never_jumps(runtime_factory) -> None:
    m = RecordingMessenger()
    rt = runtime_factory(m)
    await rt.handle(command(ANN, "start"))
    _, data = m.button("Item 1")
    screen, version, _ = data.split(":")
    for forged in (f"{screen}:{version}:b3.0", f"main.admin_only:{version}:b0.0", "garbage", ""):
        await rt.handle(
            Incoming(
                Kind.PRESS, ANN, ANN.id, callback_id="x", callback_data=forged, message_id=m.last.message_id
            )
        )
        assert m.answers[-1][1] == "engine stale"
        assert m.last.view.text == "Hello Ann"


async def test_action_error_is_explained_and_nothing_moves(runtime_factory) -> None:
    m = RecordingMessenger()
    rt = runtime_factory(m)
    await rt.handle(command(ANN, "start"))
    await rt.handle(press(ANN, m, "Refuse"))
    assert m.last.view.text.startswith("No way, you")
    assert m.last.view.text.endswith("Hello Ann")


async def test_exception_in_an_action_apologises_with_an_error_id(runtime_factory) -> None:
    m = RecordingMessenger()
    rt = runtime_factory(m)
    await rt.handle(command(ANN, "start"))
    await rt.handle(press(ANN, m, "Boom"))
    assert m.last.view.text.startswith("engine internal_error")
    assert m.last.view.text.endswith("Hello Ann")
    await rt.handle(press(ANN, m, "Item 1"))  # the screen still works
    assert m.last.view.text == "You chose 1"


class FlakyMessenger(RecordingMessenger):
    """Telegram refuses the next edit (network down, a 500): the screen cannot be shown."""

    fail_next_edit = False

    async def edit(self, chat_id: int, message_id: int, view):  # type: ignore[no-untyped-def]
        if self.fail_next_edit:
            self.fail_next_edit = False
            raise RuntimeError("Telegram is down")
        return await super().edit(chat_id, message_id, view)


async def test_a_screen_that_cannot_be_sent_gets_an_apology_and_no_wrong_move(runtime_factory) -> None:
    m = FlakyMessenger()
    rt = runtime_factory(m)
    await rt.handle(command(ANN, "start"))
    m.fail_next_edit = True
    await rt.handle(press(ANN, m, "Item 2"))  # saved as "You chose 2", never shown
    assert m.last.view.text.startswith("engine internal_error")
    await rt.handle(press(ANN, m, "Item 1"))  # the keyboard the user still sees
    assert m.answers[-1][1] == "engine stale"  # is out of date: refused, not acted on
    assert m.last.view.text == "You chose 2"  # and the user is shown where they are


async def test_text_input_runs_the_action_and_shows_its_result(runtime_factory) -> None:
    m = RecordingMessenger()
    rt = runtime_factory(m)
    await rt.handle(command(ANN, "help"))
    await rt.handle(text(ANN, "hi there"))
    assert m.last.view.text == "Echo: HI THERE"


async def test_text_where_a_button_is_expected_gets_a_hint(runtime_factory) -> None:
    m = RecordingMessenger()
    rt = runtime_factory(m)
    await rt.handle(command(ANN, "start"))
    await rt.handle(text(ANN, "hello?"))
    assert m.last.view.text.startswith("engine expect_button")
    photo = FileInfo(kind="photo", file_id="AgAD")
    await rt.handle(Incoming(Kind.FILE, ANN, ANN.id, file=photo))
    assert m.last.view.text.startswith("engine unexpected_input")


async def test_unknown_command_gets_help(runtime_factory) -> None:
    m = RecordingMessenger()
    rt = runtime_factory(m)
    await rt.handle(command(ANN, "frobnicate"))
    assert m.last.view.text.startswith("engine unknown_command")
    assert m.last.view.text.endswith("Send me a text")


async def test_admin_sees_and_enters_the_guarded_screen(runtime_factory) -> None:
    m = RecordingMessenger()
    rt = runtime_factory(m)
    await rt.handle(command(ADMIN, "start"))
    await rt.handle(press(ADMIN, m, "Secret"))
    assert m.last.view.text == "Send me a text"


async def test_a_guarded_generated_row_is_hidden_from_those_its_guard_excludes(runtime_factory) -> None:
    m = RecordingMessenger()
    rt = runtime_factory(m)
    for who, expected in ((ANN, ["Back"]), (ADMIN, ["Secret", "Secret", "engine next_page", "Back"])):
        await rt.handle(command(who, "start"))
        await rt.handle(press(who, m, "Item 2"))
        assert [b.text for row in m.last.view.keyboard for b in row] == expected, who


async def test_restart_keeps_the_user_mid_flow(runtime_factory) -> None:
    m = RecordingMessenger()
    await runtime_factory(m).handle(command(ANN, "start"))
    await runtime_factory(m).handle(press(ANN, m, "Item 3"))
    fresh = runtime_factory(m)  # a new process: only the stored sessions survive
    await fresh.handle(press(ANN, m, "Back"))
    assert m.last.view.text == "Hello Ann"


async def test_a_new_user_is_remembered_once(runtime_factory, sessions: MemorySessionStore) -> None:
    m = RecordingMessenger()
    rt = runtime_factory(m)
    await rt.handle(command(ANN, "start"))
    assert sessions.people == {ANN.id: KnownUser("Ann", None, "en")}
    sessions.people.clear()
    await rt.handle(press(ANN, m, "Item 1"))
    assert sessions.people == {}  # not again on later updates


async def test_written_behind_a_stopped_bot_keeps_every_step(
    bundle, pool: asyncpg.Pool, pg_runtime_factory
) -> None:
    m = RecordingMessenger()
    store = polling_sessions(pool)
    rt = Runtime(bundle, PluginSet.of([Demo(), UserPlugin()]), store, m)
    await rt.handle(command(ANN, "start"))
    await rt.handle(press(ANN, m, "Item 3"))
    await rt.handle(press(ANN, m, "Back"))
    await rt.handle(press(ANN, m, "Item 2"))
    await store.flush()  # what a graceful stop does
    await pg_runtime_factory(m).handle(press(ANN, m, "Back"))  # a new process
    assert m.last.view.text == "Hello Ann"
    assert m.answers[-1][1] is None


async def test_a_crash_before_the_write_lands_answers_out_of_date_never_a_wrong_move(
    bundle, pool: asyncpg.Pool, pg_runtime_factory
) -> None:
    m = RecordingMessenger()
    store = polling_sessions(pool)
    rt = Runtime(bundle, PluginSet.of([Demo(), UserPlugin()]), store, m)
    await rt.handle(command(ANN, "start"))
    await store.flush()
    await rt.handle(press(ANN, m, "Item 3"))
    assert m.last.view.text == "You chose 3"
    writer = store.writes._writer  # the process dies before the queued write runs
    assert writer is not None
    writer.cancel()
    await asyncio.wait([writer])
    await pg_runtime_factory(m).handle(press(ANN, m, "Back"))  # restarted: the table is older
    assert m.answers[-1][1] == "engine stale"
    assert m.last.view.text == "Hello Ann"  # the screen the table holds
