"""Files users sent, read from Telegram through the bot: streamed, stopped past the cap.

The size Telegram states (or does not state) is only a first check; the download itself
counts bytes and stops as soon as the cap is passed, so a file is never read in full when it
is too big. Bytes fetched recently are kept (bounded), so a file measured when the form
received it is not downloaded again when the job uploads it to Kie.ai a minute later.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import AsyncGenerator

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from engine.files.source import MB, FileTooLarge, FileUnavailable

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
DOWNLOAD_TIMEOUT = 60


class RecentFiles:
    """The last files fetched, by file id: at most ``max_bytes`` together, each for ``ttl``
    seconds; the least recently used go first."""

    def __init__(self, max_bytes: int = 64 * MB, ttl: float = 30 * 60) -> None:
        self.max_bytes, self.ttl = max_bytes, ttl
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._size = 0

    def get(self, file_id: str) -> bytes | None:
        found = self._items.get(file_id)
        if found is None:
            return None
        if time.monotonic() - found[0] > self.ttl:
            self._drop(file_id)
            return None
        self._items.move_to_end(file_id)
        return found[1]

    def put(self, file_id: str, data: bytes) -> None:
        if len(data) > self.max_bytes:
            return
        self._drop(file_id)
        self._items[file_id] = (time.monotonic(), data)
        self._size += len(data)
        while self._size > self.max_bytes:
            self._drop(next(iter(self._items)))

    def _drop(self, file_id: str) -> None:
        found = self._items.pop(file_id, None)
        if found is not None:
            self._size -= len(found[1])


class TelegramFiles:
    """``FileSource`` over the Bot API: ``getFile``, then the file streamed from its path."""

    def __init__(self, bot: Bot, recent: RecentFiles | None = None) -> None:
        self.bot = bot
        self.recent = recent or RecentFiles()

    async def fetch(self, file_id: str, max_bytes: int) -> bytes:
        data = self.recent.get(file_id)
        if data is None:
            data = await self._download(file_id, max_bytes)
            self.recent.put(file_id, data)
        if len(data) > max_bytes:
            raise FileTooLarge(max_bytes)
        return data

    async def _download(self, file_id: str, max_bytes: int) -> bytes:
        try:
            info = await self.bot.get_file(file_id)
        except TelegramAPIError as exc:
            if "too big" in exc.message:
                raise FileTooLarge(max_bytes) from exc
            raise FileUnavailable(f"getFile refused: {exc.message}") from exc
        if info.file_size is not None and info.file_size > max_bytes:
            raise FileTooLarge(max_bytes)
        if info.file_path is None:
            raise FileUnavailable("Telegram gave no path for the file")
        stream = self._stream(info.file_path)
        chunks: list[bytes] = []
        received = 0
        try:
            async for chunk in stream:
                received += len(chunk)
                if received > max_bytes:
                    raise FileTooLarge(max_bytes)
                chunks.append(chunk)
        except (FileTooLarge, FileUnavailable):
            raise
        except Exception as exc:  # network and HTTP errors of several kinds: not ours to read
            raise FileUnavailable(f"the download failed: {type(exc).__name__}") from exc
        finally:
            await stream.aclose()  # stops reading: the rest of a too-big file is never fetched
        return b"".join(chunks)

    def _stream(self, file_path: str) -> AsyncGenerator[bytes, None]:
        api = self.bot.session.api
        if api.is_local:  # a local Bot API server: the path is a file on this machine
            return _read_local(str(api.wrap_local_file.to_local(file_path)))
        return self.bot.session.stream_content(
            url=api.file_url(self.bot.token, file_path),
            timeout=DOWNLOAD_TIMEOUT,
            chunk_size=CHUNK,
            raise_for_status=True,
        )


async def _read_local(path: str) -> AsyncGenerator[bytes, None]:
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            yield chunk
