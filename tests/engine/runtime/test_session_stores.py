"""What every ``SessionStore`` promises, checked against each one alike: a new user gets a
new session, a save is read back as it was, a stale save is refused, a loaded session is a
copy, a person met is remembered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg
import pytest

from engine.runtime.memory_sessions import KnownUser, MemorySessionStore
from engine.runtime.pg_sessions import PgSessionStore
from engine.runtime.session import Frame, SessionStore, StaleSession


@dataclass
class Subject:
    store: SessionStore
    remembered: Callable[[int], Awaitable[KnownUser | None]]


def in_memory() -> Subject:
    store = MemorySessionStore()

    async def remembered(user_id: int) -> KnownUser | None:
        return store.people.get(user_id)

    return Subject(store, remembered)


def in_postgres(pool: asyncpg.Pool, cache_size: int) -> Subject:
    async def remembered(user_id: int) -> KnownUser | None:
        row = await pool.fetchrow(
            "SELECT first_name, username, language FROM users WHERE user_id = $1", user_id
        )
        return None if row is None else KnownUser(row["first_name"], row["username"], row["language"])

    return Subject(PgSessionStore(pool, cache_size), remembered)


@pytest.fixture(params=["memory", "postgres", "postgres-cached"])
def subject(request: pytest.FixtureRequest) -> Subject:
    if request.param == "memory":
        return in_memory()  # no database asked for
    pool: asyncpg.Pool = request.getfixturevalue("pool")
    return in_postgres(pool, cache_size=10 if request.param == "postgres-cached" else 0)


async def test_a_new_user_gets_a_new_session_in_their_language(subject: Subject) -> None:
    session = await subject.store.load(5, 50, "en")
    assert (session.user_id, session.chat_id, session.language) == (5, 50, "en")
    assert session.is_new and session.screen is None and session.loaded_version == 0


async def test_a_saved_session_loads_as_it_was_in_the_chat_of_the_update(subject: Subject) -> None:
    session = await subject.store.load(5, 5, "en")
    session.screen, session.args = "main.start", {"page": 2}
    session.stack.append(Frame("help.index", {"a": 1}))
    session.form, session.rendered = {"field": "prompt"}, {"b0": {"go": "help.index"}}
    session.state = {"pages": {"0": 1}}
    session.version = 1
    await subject.store.save(session)
    assert (session.is_new, session.loaded_version) == (False, 1)
    again = await subject.store.load(5, 6, "ru")
    assert (again.screen, again.args, again.stack) == (
        "main.start",
        {"page": 2},
        [Frame("help.index", {"a": 1})],
    )
    assert (again.form, again.rendered, again.state) == (
        {"field": "prompt"},
        {"b0": {"go": "help.index"}},
        {"pages": {"0": 1}},
    )
    assert (again.language, again.chat_id, again.is_new, again.loaded_version) == ("en", 6, False, 1)


async def test_a_save_from_an_old_version_is_refused(subject: Subject) -> None:
    first = await subject.store.load(8, 8, "ru")
    first.version = 1
    await subject.store.save(first)
    a, b = await subject.store.load(8, 8, "ru"), await subject.store.load(8, 8, "ru")
    a.screen, b.screen = "main.a", "main.b"
    a.version = b.version = 2
    await subject.store.save(a)
    with pytest.raises(StaleSession):
        await subject.store.save(b)
    assert (await subject.store.load(8, 8, "ru")).screen == "main.a"


async def test_a_second_new_session_of_a_user_is_refused(subject: Subject) -> None:
    a, b = await subject.store.load(9, 9, "ru"), await subject.store.load(9, 9, "ru")
    a.version = b.version = 1
    await subject.store.save(a)
    with pytest.raises(StaleSession):
        await subject.store.save(b)


async def test_a_session_never_stored_cannot_be_saved_as_loaded(subject: Subject) -> None:
    ghost = await subject.store.load(10, 10, "ru")
    ghost.is_new, ghost.loaded_version, ghost.version = False, 3, 4
    with pytest.raises(StaleSession):
        await subject.store.save(ghost)


async def test_changing_a_loaded_session_changes_nothing_stored(subject: Subject) -> None:
    session = await subject.store.load(11, 11, "ru")
    session.args, session.version = {"items": [1]}, 1
    await subject.store.save(session)
    session.args["items"].append(2)  # after the save ...
    loaded = await subject.store.load(11, 11, "ru")
    loaded.args["items"].append(3)  # ... and after a load
    loaded.stack.append(Frame("x", {}))
    assert (await subject.store.load(11, 11, "ru")).args == {"items": [1]}
    assert (await subject.store.load(11, 11, "ru")).stack == []


async def test_a_person_met_is_remembered_as_last_seen(subject: Subject) -> None:
    assert await subject.remembered(12) is None
    await subject.store.remember_user(12, "Ann", None, "en")
    await subject.store.remember_user(12, "Anna", "anna", "ru")
    assert await subject.remembered(12) == KnownUser("Anna", "anna", "ru")


async def test_flush_returns_with_every_save_stored(subject: Subject) -> None:
    session = await subject.store.load(13, 13, "ru")
    session.version = 1
    await subject.store.save(session)
    await subject.store.flush()
    assert (await subject.store.load(13, 13, "ru")).loaded_version == 1
