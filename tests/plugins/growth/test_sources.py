"""Sources: the first kept from the first visit, the latest always; unsafe text is unknown."""

from __future__ import annotations

import asyncpg

from plugins.growth.sources import record_source, sources_of


async def test_first_and_latest(pool: asyncpg.Pool) -> None:
    assert await sources_of(pool, 1) == (None, None)
    await record_source(pool, 1, "src_vk", first_visit=True)
    await record_source(pool, 1, "src_tg", first_visit=False)
    assert await sources_of(pool, 1) == ("src_vk", "src_tg")
    await record_source(pool, 2, "src_late", first_visit=False)  # came before, without one
    assert await sources_of(pool, 2) == (None, "src_late")
    await record_source(pool, 3, "<b>x</b>", first_visit=True)
    assert await sources_of(pool, 3) == ("unknown", "unknown")
