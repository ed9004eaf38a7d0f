"""The messenger against the Telegram emulator: texts too long for one message still arrive."""

from __future__ import annotations

from pathlib import Path

from aiogram.types import FSInputFile

from emulators.telegram.entities import utf16_len
from emulators.telegram.server import TelegramEmulator
from engine.runtime.view import View, ViewButton
from engine.telegram.messenger import AiogramMessenger, _media_file

ANNA = 1001


async def test_long_texts_arrive_shortened_not_refused() -> None:
    async with TelegramEmulator() as emulator:
        bot = emulator.make_bot()
        messenger = AiogramMessenger(bot)
        try:
            emoji = await messenger.send(ANNA, View("😀" * 3000))  # 6,000 UTF-16 units
            bold = await messenger.send(
                ANNA, View("<b>" + "x" * 5000 + "</b>", [[ViewButton("ok", callback_data="k")]])
            )
            assert await messenger.edit(ANNA, bold, View("&amp;" * 5000))
            await messenger.answer_press("no-such-query", "👍" * 150)
        finally:
            await bot.session.close()
        shown = {m.message_id: m for m in emulator.bot_messages(ANNA)}
        assert shown[emoji].text is not None and shown[emoji].text.endswith("…")
        assert utf16_len(shown[emoji].text) <= 4096
        assert shown[bold].text == "&" * 4095 + "…"
        assert not emulator.calls(ok=False) or all(
            c.method.lower() == "answercallbackquery" for c in emulator.calls(ok=False)
        )


def test_only_files_shipped_with_the_project_are_uploaded(tmp_path: Path) -> None:
    shipped = tmp_path / "models"
    shipped.mkdir()
    picture = shipped / "card.png"
    picture.write_bytes(b"\x89PNG")
    secret = tmp_path / "secret.txt"
    secret.write_text("not for users")
    assert isinstance(_media_file(str(picture), shipped), FSInputFile)
    assert _media_file(str(secret), shipped) == str(secret)  # never another file
    assert _media_file(str(shipped / ".." / "secret.txt"), shipped) == str(shipped / ".." / "secret.txt")
    assert _media_file(str(picture), None) == str(picture)
    assert _media_file("https://example.org/x.png", shipped) == "https://example.org/x.png"
