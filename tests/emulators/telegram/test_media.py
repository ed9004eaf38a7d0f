"""Media: uploads, URLs, file_id reuse, getFile + download, albums, edits, user files."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InputMediaDocument, InputMediaPhoto, InputMediaVideo
from aiohttp import web

from emulators.telegram import TelegramEmulator

ANNA = 1001


def png(width: int, height: int) -> bytes:
    """A real (tiny, grey) PNG, so dimensions come from the header like in Telegram."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
async def local_files() -> AsyncIterator[str]:
    """A local web server with one image, standing in for a local result host."""

    async def image(request: web.Request) -> web.Response:
        return web.Response(body=png(30, 20), content_type="image/png")

    app = web.Application()
    app.router.add_get("/result.png", image)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def test_upload_get_file_and_download(bot: Bot, emulator: TelegramEmulator) -> None:
    content = png(64, 48)
    sent = await bot.send_photo(
        ANNA, BufferedInputFile(content, "pic.png"), caption="<i>result</i>", parse_mode="HTML"
    )
    assert sent.photo is not None
    photo = sent.photo[-1]
    assert (photo.width, photo.height, photo.file_size) == (64, 48, len(content))
    assert sent.caption == "result" and sent.caption_entities and sent.caption_entities[0].type == "italic"
    file = await bot.get_file(photo.file_id)
    assert file.file_path and file.file_size == len(content)
    downloaded = await bot.download(photo.file_id)
    assert downloaded is not None and downloaded.read() == content
    snapshot = emulator.last_bot_message(ANNA)
    assert (
        snapshot.media_kind == "photo" and snapshot.file_id == photo.file_id and snapshot.caption == "result"
    )


@pytest.mark.parametrize(
    ("method", "kind", "filename"),
    [
        ("send_video", "video", "clip.mp4"),
        ("send_audio", "audio", "song.mp3"),
        ("send_voice", "voice", "v.ogg"),
        ("send_document", "document", "report.pdf"),
        ("send_animation", "animation", "fun.mp4"),
    ],
)
async def test_each_media_kind(
    bot: Bot, emulator: TelegramEmulator, method: str, kind: str, filename: str
) -> None:
    sent = await getattr(bot, method)(ANNA, BufferedInputFile(b"data-" + kind.encode(), filename))
    media = getattr(sent, kind)
    assert media.file_id and media.file_unique_id and media.file_size == len(b"data-" + kind.encode())
    if kind in ("video", "audio", "voice", "animation"):
        assert media.duration >= 0
    assert emulator.last_bot_message(ANNA).media_kind == kind


async def test_caption_limit(bot: Bot) -> None:
    await bot.send_document(ANNA, BufferedInputFile(b"x", "a.txt"), caption="c" * 1024)
    with pytest.raises(TelegramBadRequest) as error:
        await bot.send_document(ANNA, BufferedInputFile(b"x", "a.txt"), caption="c" * 1025)
    assert error.value.message == "Bad Request: message caption is too long"


async def test_reuse_by_file_id_and_type_check(bot: Bot) -> None:
    first = await bot.send_document(ANNA, BufferedInputFile(b"pdf-bytes", "a.pdf"))
    assert first.document is not None
    again = await bot.send_document(ANNA, first.document.file_id)
    assert again.document is not None and again.document.file_unique_id == first.document.file_unique_id
    with pytest.raises(TelegramBadRequest, match="can't use file of type Document as Photo"):
        await bot.send_photo(ANNA, first.document.file_id)
    with pytest.raises(TelegramBadRequest, match="wrong file identifier/HTTP URL specified"):
        await bot.send_photo(ANNA, "no-such-file-id")


async def test_local_url_is_fetched(bot: Bot, local_files: str) -> None:
    sent = await bot.send_photo(ANNA, f"{local_files}/result.png")
    assert sent.photo is not None and (sent.photo[-1].width, sent.photo[-1].height) == (30, 20)
    downloaded = await bot.download(sent.photo[-1].file_id)
    assert downloaded is not None and downloaded.read() == png(30, 20)
    with pytest.raises(TelegramBadRequest, match="failed to get HTTP URL content"):
        await bot.send_photo(ANNA, f"{local_files}/missing.png")


async def test_remote_url_is_kept_as_a_link_not_fetched(bot: Bot, emulator: TelegramEmulator) -> None:
    # .invalid never resolves: had the emulator tried to fetch it, the call would fail
    sent = await bot.send_video(ANNA, "https://cdn.example.invalid/result.mp4", caption="done")
    assert sent.video is not None and sent.video.file_size is None
    stored = emulator.state.files.get(sent.video.file_id)
    assert (
        stored is not None and stored.url == "https://cdn.example.invalid/result.mp4" and stored.data is None
    )


async def test_media_group(bot: Bot, emulator: TelegramEmulator) -> None:
    messages = await bot.send_media_group(
        ANNA,
        [
            InputMediaPhoto(media=BufferedInputFile(png(10, 10), "1.png"), caption="first"),
            InputMediaVideo(media=BufferedInputFile(b"video", "2.mp4")),
        ],
    )
    assert len(messages) == 2 and messages[0].media_group_id == messages[1].media_group_id is not None
    assert messages[0].caption == "first" and messages[1].video is not None
    assert [m.media_kind for m in emulator.messages(ANNA)] == ["photo", "video"]
    with pytest.raises(TelegramBadRequest, match="wrong number of media"):
        await bot.send_media_group(ANNA, [InputMediaPhoto(media=BufferedInputFile(png(1, 1), "x.png"))])
    with pytest.raises(TelegramBadRequest, match="can't be mixed"):
        await bot.send_media_group(
            ANNA,
            [
                InputMediaDocument(media=BufferedInputFile(b"d", "d.txt")),
                InputMediaPhoto(media=BufferedInputFile(png(1, 1), "x.png")),
            ],
        )


async def test_edit_media_and_caption(bot: Bot, emulator: TelegramEmulator) -> None:
    sent = await bot.send_photo(ANNA, BufferedInputFile(png(5, 5), "old.png"), caption="old")
    edited = await bot.edit_message_media(
        media=InputMediaPhoto(media=BufferedInputFile(png(7, 7), "new.png"), caption="new"),
        chat_id=ANNA,
        message_id=sent.message_id,
    )
    assert edited.photo is not None and edited.photo[-1].width == 7 and edited.caption == "new"
    await bot.edit_message_caption(chat_id=ANNA, message_id=sent.message_id, caption="newer")
    assert emulator.last_bot_message(ANNA).caption == "newer"
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_caption(chat_id=ANNA, message_id=sent.message_id, caption="newer")
    with pytest.raises(TelegramBadRequest, match="there is no text in the message to edit"):
        await bot.edit_message_text("text", chat_id=ANNA, message_id=sent.message_id)


async def test_user_files_reach_the_bot_and_download(bot: Bot, emulator: TelegramEmulator) -> None:
    photo = png(40, 30)
    await emulator.send_photo(ANNA, photo, "me.png", "image/png", caption="make it brighter")
    await emulator.send_audio(ANNA, b"ID3 fake mp3", "song.mp3", "audio/mpeg", duration=42)
    await emulator.send_document(ANNA, b"%PDF-1.4", "brief.pdf", "application/pdf")
    await emulator.send_voice(ANNA, b"OggS voice", duration=7)
    await emulator.send_video(ANNA, b"mp4 bytes", duration=12)
    updates = await bot.get_updates()
    messages = [u.message for u in updates if u.message]
    assert (
        messages[0].photo and messages[0].photo[-1].width == 40 and messages[0].caption == "make it brighter"
    )
    assert (
        messages[1].audio and messages[1].audio.duration == 42 and messages[1].audio.file_name == "song.mp3"
    )
    assert messages[2].document and messages[2].document.mime_type == "application/pdf"
    assert messages[3].voice and messages[3].voice.duration == 7
    assert messages[4].video and messages[4].video.duration == 12
    downloaded = await bot.download(messages[0].photo[-1].file_id)
    assert downloaded is not None and downloaded.read() == photo
    # the bot can send the user's file back by its file_id
    echoed = await bot.send_document(ANNA, messages[2].document.file_id)
    assert echoed.document and echoed.document.file_unique_id == messages[2].document.file_unique_id


async def test_get_file_errors(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="wrong file_id"):
        await bot.get_file("nope")
