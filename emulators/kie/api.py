"""The Kie.ai routes: the API host's paths and the upload host's paths, served by one app.

Like Kie, every answer is HTTP 200 with ``{code, msg, data}`` (the upload host adds ``success``)
unless a fault says otherwise or ``mirror_http_status`` is on. Each request passes through
``_serve``: authentication, call log, reply fault, the real work, then the fault's twist.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import mimetypes
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from emulators.kie.catalog import Catalog
from emulators.kie.faults import (
    DropConnection,
    Endpoint,
    ErrorReply,
    Faults,
    HttpError,
    LostAnswer,
    MalformedBody,
    SlowReply,
)
from emulators.kie.lifecycle import TaskDriver
from emulators.kie.state import SandboxState, SandboxTask, StoredFile, json_number

MAX_UPLOAD_BYTES = 100 * 1024 * 1024


@dataclass
class ApiConfig:
    api_key: str
    accept_unknown_models: bool = True
    mirror_http_status: bool = False
    create_rate_limit: tuple[int, float] | None = None  # (requests, per seconds), Kie: (20, 10.0)


class _Dropped(Exception):
    """Raised after the transport was closed on purpose: nothing must be written."""


Work = Callable[[], Awaitable[web.StreamResponse]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class KieApi:
    def __init__(
        self,
        config: ApiConfig,
        state: SandboxState,
        faults: Faults,
        catalog: Catalog,
        driver: TaskDriver,
        public_url: Callable[[], str],
        http: Callable[[], aiohttp.ClientSession],
    ) -> None:
        self.config = config
        self.state = state
        self.faults = faults
        self.catalog = catalog
        self.driver = driver
        self.public_url = public_url
        self.http = http
        self._creates: deque[float] = deque()

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/api/v1/jobs/createTask", self.create_task),
            web.get("/api/v1/jobs/recordInfo", self.record_info),
            web.get("/api/v1/chat/credit", self.credit),
            web.post("/api/v1/common/download-url", self.download_url),
            web.get("/api/v1/models", self.models),
            web.get(r"/api/v1/models/{model:.+}/schema", self.model_schema),
            web.get(r"/api/v1/models/{model:.+}/price", self.model_price),
            web.post("/api/file-stream-upload", self.upload_stream),
            web.post("/api/file-base64-upload", self.upload_base64),
            web.post("/api/file-url-upload", self.upload_url),
            web.get(r"/files/{key:.+}", self.files),
        ]

    # ----------------------------------------------------------- envelope

    def ok(self, data: Any, *, upload: bool = False, msg: str = "success") -> web.Response:
        body: dict[str, Any] = {"code": 200, "msg": msg, "data": data}
        if upload:
            body = {"success": True, **body}
        return web.json_response(body)

    def error(self, code: int, msg: str, *, upload: bool = False) -> web.Response:
        body: dict[str, Any] = (
            {"success": False, "code": code, "msg": msg}
            if upload
            else {"code": code, "msg": msg, "data": None}
        )
        status = code if self.config.mirror_http_status and 400 <= code < 600 else 200
        return web.json_response(body, status=status)

    def _authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), self.config.api_key.encode()
        )

    async def _serve(
        self,
        request: web.Request,
        endpoint: Endpoint,
        model: str | None,
        logged: Mapping[str, Any] | None,
        work: Work,
        *,
        upload: bool = False,
    ) -> web.StreamResponse:
        if not self._authorised(request):
            self.state.log(endpoint, model, logged, fault="unauthorised")
            if upload:
                return self.error(401, "Authentication failed: Invalid API Key", upload=True)
            return self.error(401, "You do not have access permissions")
        fault = self.faults.take_reply(endpoint, model)
        self.state.log(endpoint, model, logged, fault=type(fault).__name__ if fault else None)
        applies = not isinstance(fault, ErrorReply | HttpError | DropConnection) or fault.apply
        reply = await work() if applies else None
        if isinstance(fault, ErrorReply):
            return self.error(fault.code, fault.text, upload=upload)
        if isinstance(fault, HttpError):
            return web.Response(status=fault.status, text=fault.body, content_type="text/html")
        if isinstance(fault, DropConnection):
            return self._drop(request)
        if isinstance(fault, LostAnswer):
            await _until_gone(request, fault.hold)
            return self._drop(request)
        if isinstance(fault, MalformedBody):
            return web.Response(text=fault.body, content_type="application/json")
        if isinstance(fault, SlowReply):
            await asyncio.sleep(fault.seconds)
        assert reply is not None
        return reply

    def _drop(self, request: web.Request) -> web.StreamResponse:
        if request.transport is not None:
            request.transport.abort()
        raise _Dropped

    # ---------------------------------------------------------------- jobs

    async def create_task(self, request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
        model = body.get("model") if isinstance(body, dict) else None
        model = model if isinstance(model, str) else None
        logged = (
            {k: body.get(k) for k in ("model", "input", "callBackUrl")} if isinstance(body, dict) else None
        )

        async def work() -> web.StreamResponse:
            if not isinstance(body, dict):
                return self.error(400, "Request body must be a JSON object")
            task_input = body.get("input")
            callback = body.get("callBackUrl")
            if not model:
                return self.error(422, "model is required")
            if not isinstance(task_input, dict):
                return self.error(422, "input is required")
            if callback is not None and (not isinstance(callback, str) or not urlsplit(callback).scheme):
                return self.error(422, "callBackUrl must be a URL")
            if self.catalog.get(model) is None and not self.config.accept_unknown_models:
                return self.error(422, f"The model {model} is not supported")
            if self._rate_limited():
                return self.error(429, "Rate limit exceeded: too many createTask requests")
            entry = self.catalog.resolve(model, task_input)
            if self.state.credits < entry.credits:
                return self.error(402, "The current credits are insufficient. Please top up.")
            task = SandboxTask(
                uuid.uuid4().hex,
                model,
                task_input,
                callback or None,
                entry.kind,
                entry.credits,
                self.faults.take_task(model),
            )
            self.state.tasks[task.task_id] = task
            self.driver.start(task)
            return self.ok({"taskId": task.task_id, "recordId": task.task_id})

        return await self._serve(request, Endpoint.CREATE_TASK, model, logged, work)

    def _rate_limited(self) -> bool:
        if self.config.create_rate_limit is None:
            return False
        limit, window = self.config.create_rate_limit
        now = time.monotonic()
        while self._creates and now - self._creates[0] > window:
            self._creates.popleft()
        if len(self._creates) >= limit:
            return True
        self._creates.append(now)
        return False

    async def record_info(self, request: web.Request) -> web.StreamResponse:
        task_id = request.query.get("taskId", "")
        task = self.state.tasks.get(task_id)

        async def work() -> web.StreamResponse:
            if not task_id:
                return self.error(400, "taskId parameter is required")
            if task is None:
                return self.error(422, "recordInfo is null")
            return self.ok(task.record())

        return await self._serve(
            request, Endpoint.RECORD_INFO, task.model if task else None, {"taskId": task_id}, work
        )

    # ------------------------------------------------------------- account

    async def credit(self, request: web.Request) -> web.StreamResponse:
        async def work() -> web.StreamResponse:
            return self.ok(json_number(self.state.credits))

        return await self._serve(request, Endpoint.CREDIT, None, None, work)

    async def download_url(self, request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
        url = body.get("url") if isinstance(body, dict) else None

        async def work() -> web.StreamResponse:
            if not isinstance(url, str) or not url:
                return self.error(400, "url is required")
            key = self._file_key(url)
            if key is None or key not in self.state.files:
                return self.error(422, "Only URLs of files generated by kie.ai are supported")
            expires = int(time.time()) + 20 * 60
            return self.ok(f"{self.public_url()}/files/{key}?expires={expires}&token={uuid.uuid4().hex}")

        return await self._serve(request, Endpoint.DOWNLOAD_URL, None, {"url": url}, work)

    def _file_key(self, url: str) -> str | None:
        prefix = f"{self.public_url()}/files/"
        bare = url.split("?", 1)[0]
        return bare[len(prefix) :] if bare.startswith(prefix) else None

    # ------------------------------------------------------------- catalog

    async def models(self, request: web.Request) -> web.StreamResponse:
        task_types = [t for t in request.query.get("taskType", "").split(",") if t.strip()]

        async def work() -> web.StreamResponse:
            found = self.catalog.search(task_types, request.query.get("provider"), request.query.get("q"))
            return self.ok({"total": len(found), "models": [m.catalog_entry() for m in found]})

        return await self._serve(request, Endpoint.MODELS, None, dict(request.query), work)

    async def model_schema(self, request: web.Request) -> web.StreamResponse:
        return await self._model_detail(request, Endpoint.MODEL_SCHEMA)

    async def model_price(self, request: web.Request) -> web.StreamResponse:
        return await self._model_detail(request, Endpoint.MODEL_PRICE)

    async def _model_detail(self, request: web.Request, endpoint: Endpoint) -> web.StreamResponse:
        model = request.match_info["model"]

        async def work() -> web.StreamResponse:
            entry = self.catalog.get(model)
            if entry is None:
                return self.error(404, f"Model {model} not found")
            if endpoint is Endpoint.MODEL_SCHEMA:
                return self.ok({"model": model, "openapi": entry.openapi()})
            return self.ok({"model": model, "pricingDesc": entry.pricing_desc})

        return await self._serve(request, endpoint, model, None, work)

    # ------------------------------------------------------------- uploads

    async def upload_stream(self, request: web.Request) -> web.StreamResponse:
        async def work() -> web.StreamResponse:
            form = await request.post()
            file = form.get("file")
            if not isinstance(file, web.FileField):
                return self.error(400, "Missing required parameter: file", upload=True)
            name = _text(form.get("fileName")) or file.filename
            data = file.file.read()
            return self._store_upload(_text(form.get("uploadPath")), name, data, file.content_type)

        return await self._serve(request, Endpoint.UPLOAD, None, {"kind": "stream"}, work, upload=True)

    async def upload_base64(self, request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)

        async def work() -> web.StreamResponse:
            if not isinstance(body, dict):
                return self.error(400, "Request body must be a JSON object", upload=True)
            raw = _text(body.get("base64Data"))
            mime = None
            if raw.startswith("data:") and "," in raw:
                header, raw = raw[5:].split(",", 1)
                mime = header.split(";", 1)[0] or None
            try:
                data = base64.b64decode(raw, validate=True)
            except (binascii.Error, ValueError):
                return self.error(400, "base64Data is not valid base64", upload=True)
            if not data:
                return self.error(400, "Missing required parameter: base64Data", upload=True)
            return self._store_upload(_text(body.get("uploadPath")), _text(body.get("fileName")), data, mime)

        return await self._serve(request, Endpoint.UPLOAD, None, {"kind": "base64"}, work, upload=True)

    async def upload_url(self, request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)

        async def work() -> web.StreamResponse:
            if not isinstance(body, dict):
                return self.error(400, "Request body must be a JSON object", upload=True)
            url = _text(body.get("fileUrl"))
            if urlsplit(url).scheme not in ("http", "https"):
                return self.error(400, "fileUrl must be an http(s) URL", upload=True)
            if not _text(body.get("uploadPath")):
                return self.error(400, "Missing required parameter: uploadPath", upload=True)
            try:
                async with self.http().get(url, timeout=aiohttp.ClientTimeout(total=30)) as resp:
                    if resp.status != 200:
                        return self.error(400, f"File download failed: HTTP {resp.status}", upload=True)
                    data = await resp.read()
                    mime = resp.content_type
            except (aiohttp.ClientError, TimeoutError):
                return self.error(400, "File download failed", upload=True)
            name = _text(body.get("fileName")) or urlsplit(url).path.rsplit("/", 1)[-1]
            return self._store_upload(_text(body.get("uploadPath")), name, data, mime)

        return await self._serve(request, Endpoint.UPLOAD, None, {"kind": "url"}, work, upload=True)

    def _store_upload(self, upload_path: str, name: str, data: bytes, mime: str | None) -> web.Response:
        folder = upload_path.strip("/")
        if not folder:
            return self.error(400, "Missing required parameter: uploadPath", upload=True)
        if ".." in folder.split("/") or "/" in name or name in (".", ".."):
            return self.error(400, "Invalid uploadPath or fileName", upload=True)
        mime = mime if mime and mime != "application/octet-stream" else None
        mime = mime or mimetypes.guess_type(name)[0] or "application/octet-stream"
        if not name:
            name = uuid.uuid4().hex + (mimetypes.guess_extension(mime) or "")
        key = f"uploads/{folder}/{name}"
        self.state.files[key] = StoredFile(data, mime)
        return self.ok(
            {
                "fileName": name,
                "filePath": f"kieai/sandbox/{folder}/{name}",
                "downloadUrl": f"{self.public_url()}/files/{key}",
                "fileSize": len(data),
                "mimeType": mime,
                "uploadedAt": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                "success": True,
            },
            upload=True,
            msg="File uploaded successfully",
        )

    async def files(self, request: web.Request) -> web.StreamResponse:
        stored = self.state.files.get(request.match_info["key"])
        if stored is None:
            raise web.HTTPNotFound(text="file not found or expired")
        return web.Response(body=stored.data, content_type=stored.mime)


@web.middleware
async def swallow_dropped(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A deliberately dropped connection must not be logged as a server error."""
    try:
        return await handler(request)
    except _Dropped:
        return web.Response(status=499)


async def _until_gone(request: web.Request, seconds: float) -> None:
    """Hold a request unanswered until its client disconnects or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        transport = request.transport
        if transport is None or transport.is_closing():
            return
        await asyncio.sleep(0.05)


async def _json_body(request: web.Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def credits_value(value: Decimal | int | float | str) -> Decimal:
    result = Decimal(str(value))
    if not result.is_finite() or result < 0:
        raise ValueError("credits must be a non-negative number")
    return result
