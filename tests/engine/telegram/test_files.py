"""Files read from Telegram: streamed and stopped past the cap, kept briefly so a file the form
measured is not downloaded again for the job."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot

from emulators.telegram.server import TelegramEmulator
from engine.files.source import MB, FileTooLarge, FileUnavailable
from engine.telegram.files import RecentFiles, TelegramFiles
from tests.support.media import padded_png, png


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[TelegramEmulator, Bot]]:
    async with TelegramEmulator() as emulator:
        bot = emulator.make_bot()
        try:
            yield emulator, bot
        finally:
            await bot.session.close()


async def test_a_file_is_fetched_once_then_kept(telegram: tuple[TelegramEmulator, Bot]) -> None:
    emulator, bot = telegram
    stored = emulator.state.files.add("photo", data=png())
    files = TelegramFiles(bot)
    assert await files.fetch(stored.file_id, MB) == png()
    assert await files.fetch(stored.file_id, MB) == png()
    assert stored.served == len(png())  # downloaded once
    with pytest.raises(FileTooLarge):  # a smaller cap still holds
        await files.fetch(stored.file_id, 10)


async def test_an_unstated_size_is_capped_while_streaming(telegram: tuple[TelegramEmulator, Bot]) -> None:
    emulator, bot = telegram
    big = padded_png(40 * MB)
    stored = emulator.state.files.add("document", data=big, size_stated=False)
    with pytest.raises(FileTooLarge):
        await TelegramFiles(bot).fetch(stored.file_id, 2 * MB)
    assert stored.served < len(big)


async def test_a_stated_size_above_the_cap_is_refused_before_downloading(
    telegram: tuple[TelegramEmulator, Bot],
) -> None:
    emulator, bot = telegram
    stored = emulator.state.files.add("document", data=padded_png(3 * MB))
    with pytest.raises(FileTooLarge):
        await TelegramFiles(bot).fetch(stored.file_id, 2 * MB)
    assert stored.served == 0


async def test_an_unknown_file_is_unavailable(telegram: tuple[TelegramEmulator, Bot]) -> None:
    _, bot = telegram
    with pytest.raises(FileUnavailable):
        await TelegramFiles(bot).fetch("no-such-file", MB)


def test_recent_files_are_bounded_by_size() -> None:
    recent = RecentFiles(max_bytes=10)
    recent.put("a", b"12345")
    recent.put("b", b"12345")
    assert recent.get("a") == b"12345"  # used: now the newest
    recent.put("c", b"123")
    assert recent.get("b") is None and recent.get("a") and recent.get("c")
    recent.put("huge", b"x" * 11)
    assert recent.get("huge") is None
