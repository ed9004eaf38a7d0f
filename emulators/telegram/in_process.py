"""An aiogram session that calls the emulator's Bot API in the same process, with no HTTP.

The bot's requests take the path aiogram's own session gives them (``prepare_value`` turns
each field into the string Telegram receives, files are read), then go to ``BotApi.call``
directly, and the answer comes back through aiogram's ``check_response`` in Telegram's
envelope. What the bot sees is what it sees over HTTP, at a fraction of the cost of a socket
round trip: tools that send thousands of updates (the explorer) use it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any, cast

from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile

from .errors import ApiError
from .params import Params, Upload

if TYPE_CHECKING:
    from aiogram import Bot

    from .server import TelegramEmulator


class InProcessSession(BaseSession):
    def __init__(self, emulator: TelegramEmulator) -> None:
        super().__init__()
        self.emulator = emulator

    async def close(self) -> None:
        return None

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        params = await self._params(bot, method)
        try:
            result = await self.emulator.api.call(method.__api_method__, params)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as exc:
            status, body = exc.error_code, exc.payload()
        response = self.check_response(
            bot=bot, method=method, status_code=status, content=json.dumps(body, ensure_ascii=False)
        )
        return cast(TelegramType, response.result)

    async def _params(self, bot: Bot, method: TelegramMethod[Any]) -> Params:
        params = Params()
        files: dict[str, InputFile] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if prepared:
                params.fields[key] = prepared
        for key, file in files.items():
            data = b"".join([chunk async for chunk in file.read(bot)])
            params.files[key] = Upload(key, file.filename or key, "application/octet-stream", data)
        return params

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        """A file the bot downloads: ``…/file/bot<token>/<path>`` from the emulator's store."""
        path = url.partition(f"/file/bot{self.emulator.token}/")[2]
        stored = self.emulator.state.files.by_path(path)
        if stored is None:
            raise ApiError(404, "Not Found")
        if stored.data is None:  # sent by URL: Telegram serves what the URL holds
            yield (await self.emulator.api.fetch_local(stored.url or ""))[0]
            return
        yield stored.data


def in_process_bot(emulator: TelegramEmulator, **kwargs: Any) -> Bot:
    """A real aiogram Bot whose requests the emulator answers in this process."""
    from aiogram import Bot

    return Bot(emulator.token, session=InProcessSession(emulator), **kwargs)
