"""The in-memory store's own side (its shared promises are in test_session_stores.py): it keeps
what ``Session.as_row`` encodes, so what would not survive PostgreSQL does not survive here."""

from __future__ import annotations

import pytest

from engine.runtime.memory_sessions import MemorySessionStore


async def test_it_stores_the_encoded_row_so_loads_are_copies() -> None:
    store = MemorySessionStore()
    session = await store.load(1, 1, "ru")
    session.screen, session.args, session.version = "main.start", {"page": 2}, 1
    await store.save(session)
    assert store.rows[1]["args"] == '{"page": 2}'
    assert (await store.load(1, 1, "ru")).args is not (await store.load(1, 1, "ru")).args


async def test_a_value_json_cannot_hold_is_refused_before_anything_is_stored() -> None:
    store = MemorySessionStore()
    session = await store.load(2, 2, "ru")
    session.args, session.version = {"when": object()}, 1
    with pytest.raises(TypeError):
        await store.save(session)
    assert store.rows == {}  # nothing half-stored
