"""The Bot API over HTTP: ``POST /bot{token}/{method}`` and ``GET /file/bot{token}/{path}``,
answering in Telegram's envelope and recording every call for test assertions."""

from __future__ import annotations

import logging
import time
from typing import Any

import aiohttp
from aiohttp import web

from . import methods  # noqa: F401  (registers the method handlers)
from .errors import ApiError, bad_request, not_found, unauthorized
from .files import StoredFile
from .params import Params, read_params
from .registry import METHODS
from .state import ApiCall, EmulatorState
from .updates import is_local_url

MAX_FETCH_BYTES = 50 * 1024 * 1024
log = logging.getLogger(__name__)


class BotApi:
    def __init__(self, state: EmulatorState, *, callback_ttl: float, precheckout_timeout: float) -> None:
        self.state = state
        self.callback_ttl = callback_ttl
        self.precheckout_timeout = precheckout_timeout
        self._http: aiohttp.ClientSession | None = None
        state.updates.executor = self.call

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def call(self, method: str, params: Params) -> Any:
        entry = METHODS.get(method.lower())
        if entry is None:
            raise not_found()
        name, handler = entry
        injected = self.state.injected.get(name)
        try:
            if injected and (error := injected.pop(0)) is not None:
                raise error
            result = await handler(self, params)
        except ApiError as exc:
            self._record(name, params, ok=False, error=exc.description, result=None)
            raise
        self._record(name, params, ok=True, error=None, result=result)
        return result

    def _record(self, method: str, params: Params, *, ok: bool, error: str | None, result: Any) -> None:
        if method != "getUpdates" or not ok or result:
            log.info("%s %s", method, "ok" if ok else error)
        self.state.calls.append(
            ApiCall(
                method=method, params=params.loggable(), ok=ok, error=error, result=result, at=time.time()
            )
        )

    async def fetch_local(self, url: str) -> tuple[bytes, str | None]:
        """Content of a URL the bot sent as media. Only local hosts are ever fetched."""
        if not is_local_url(url):
            raise ValueError("only local URLs are fetched")
        if self._http is None:
            self._http = aiohttp.ClientSession()
        try:
            async with self._http.get(url, timeout=aiohttp.ClientTimeout(total=30)) as resp:
                if resp.status != 200:
                    raise bad_request("failed to get HTTP URL content")
                data = await resp.content.read(MAX_FETCH_BYTES + 1)
                if len(data) > MAX_FETCH_BYTES:
                    raise bad_request("failed to get HTTP URL content")
                return data, resp.content_type
        except (aiohttp.ClientError, TimeoutError):
            raise bad_request("failed to get HTTP URL content") from None

    # -- HTTP -----------------------------------------------------------------------------
    async def handle_method(self, request: web.Request) -> web.Response:
        try:
            if request.match_info["token"] != self.state.token:
                raise unauthorized()
            params = await read_params(request)
            result = await self.call(request.match_info["method"], params)
        except ApiError as exc:
            return web.json_response(exc.payload(), status=exc.error_code)
        return web.json_response({"ok": True, "result": result})

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.state.token:
            return web.json_response(unauthorized().payload(), status=401)
        stored = self.state.files.by_path(request.match_info["path"])
        if stored is None:
            return web.json_response(not_found().payload(), status=404)
        if stored.data is None:
            raise web.HTTPFound(stored.url or "/")
        return await _stream(request, stored)


FILE_CHUNK = 64 * 1024


async def _stream(request: web.Request, stored: StoredFile) -> web.StreamResponse:
    """The file in chunks, counting what was handed over: a client that stops reading (a bot
    capping a download) leaves ``stored.served`` short of the file's size."""
    data = stored.data or b""
    response = web.StreamResponse(headers={"Content-Type": stored.mime_type or "application/octet-stream"})
    if stored.size_stated:
        response.content_length = len(data)
    await response.prepare(request)
    try:
        for start in range(0, len(data), FILE_CHUNK):
            chunk = data[start : start + FILE_CHUNK]
            await response.write(chunk)
            stored.served += len(chunk)
        await response.write_eof()
    except ConnectionError:  # the downloader went away: what it got is counted
        log.info("download of %s stopped by the client after %d bytes", stored.file_path, stored.served)
    return response
