"""Async HTTP client for the Kie.ai market API and its file-upload host.

Three rules shape it:

* Kie answers HTTP 200 for most failures; the verdict is the body's ``code``. Every answer goes
  through one interpreter that turns codes into the typed errors of ``errors``.
* Only requests that are safe to repeat are retried (capped exponential backoff with jitter, on
  429/455/5xx/timeouts/connection errors). createTask is the exception, see ``create_task``.
* The API key goes into the ``Authorization`` header of requests to the two Kie hosts and nowhere
  else: not into URLs, logs, exception texts or ``repr``; result downloads carry no key at all.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import TracebackType
from typing import Any
from urllib.parse import quote

import aiohttp
from pydantic import ValidationError
from yarl import URL

from plugins.integrations.kie.errors import (
    KieCreateUncertain,
    KieError,
    KieProtocolError,
    KieTaskNotVisible,
    KieUnavailable,
    KieValidationError,
    error_for_code,
    is_retryable,
)
from plugins.integrations.kie.records import (
    ModelCatalog,
    ModelInfo,
    ModelPrice,
    ModelSchema,
    TaskRecord,
    UploadedFile,
    model_from_wire,
    parse_callback,
    record_from_wire,
    upload_from_wire,
)
from plugins.integrations.kie.retry import RetryPolicy
from plugins.integrations.kie.signature import verify_signature
from plugins.integrations.kie.wire import CreateTaskData, Envelope, ModelsData, PriceData, SchemaData

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.kie.ai"
DEFAULT_UPLOAD_URL = "https://kieai.redpandaai.co"
DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=30, connect=10, sock_read=25)
UPLOAD_TIMEOUT = aiohttp.ClientTimeout(total=300, connect=10, sock_read=120)
DOWNLOAD_LIMIT = 200 * 1024 * 1024

# Model ids are path segments sent unencoded ("wan/v2-2-t2v"); anything else is refused locally
# so an id can never smuggle a query, a fragment or "..".
_MODEL_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*$")


# Failures that happen before a connection exists, so the request never left this process.
# (ConnectionTimeoutError appeared in aiohttp 3.10; before it a connect timeout is ambiguous.)
_CONNECT_TIMEOUT = getattr(aiohttp, "ConnectionTimeoutError", aiohttp.ClientConnectorError)
_NOT_SENT: tuple[type[BaseException], ...] = (aiohttp.ClientConnectorError, _CONNECT_TIMEOUT)


def _transport_not_sent(exc: BaseException) -> bool:
    """True when the request certainly never reached the server (no connection was made)."""
    return isinstance(exc, _NOT_SENT)


@dataclass(frozen=True)
class _Call:
    method: str
    url: URL
    path: str
    timeout: aiohttp.ClientTimeout
    body: bytes | None = None
    form: Callable[[], aiohttp.FormData] | None = None
    parse_float: Callable[[str], Any] = float
    creating: str | None = None  # the model, when this call is createTask


class _TransportFailure(Exception):
    def __init__(self, cause: BaseException) -> None:
        super().__init__(type(cause).__name__)
        self.cause = cause


RequestObserver = Callable[[str, float, "str | None"], None]
"""Told of each HTTP attempt: the endpoint, its seconds, and the error kind (None: it worked)."""


class KieClient:
    """One Kie.ai account. Share one instance (and its connection pool) across the process.

    Pass ``session`` to reuse an aiohttp session (the client then never closes it); otherwise the
    client opens its own on first use and ``close()`` (or ``async with``) releases it.
    """

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        upload_url: str = DEFAULT_UPLOAD_URL,
        session: aiohttp.ClientSession | None = None,
        *,
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        upload_timeout: aiohttp.ClientTimeout = UPLOAD_TIMEOUT,
        retry: RetryPolicy | None = None,
        observer: RequestObserver | None = None,
    ) -> None:
        if not api_key or not api_key.strip():
            raise ValueError("a Kie.ai API key is required")
        self._api_key = api_key.strip()
        self.base_url = base_url.rstrip("/")
        self.upload_url = upload_url.rstrip("/")
        self._session = session
        self._owns_session = session is None
        self.timeout = timeout
        self.upload_timeout = upload_timeout
        self.retry = retry or RetryPolicy()
        self.observer = observer

    def __repr__(self) -> str:
        return f"KieClient(base_url={self.base_url!r}, upload_url={self.upload_url!r}, api_key='***')"

    async def __aenter__(self) -> KieClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    # ------------------------------------------------------------------ tasks

    async def create_task(self, model: str, input: Mapping[str, Any], callback_url: str | None = None) -> str:
        """Submit a generation; returns Kie's task id.

        Why createTask is not retried like the rest: it is the one call that spends money, and Kie
        has no idempotency key. So the client retries it only when the server demonstrably did
        not act — a 429 or 455 answer (a refusal, per Kie's docs not queued) or a connection
        that was never established. A timeout or connection drop after the request was sent, a
        5xx, or a garbled answer might hide a created (and billed) task: the client then raises
        ``KieCreateUncertain`` instead of risking a second task, and the caller reconciles
        (callback with the job id in ``callback_url``, or time out and release).
        Definitive refusals (401, 402, 400/422) raise their own errors; nothing was created.
        """
        _check_model(model)
        body: dict[str, Any] = {"model": model, "input": dict(input)}
        if callback_url:
            body["callBackUrl"] = callback_url
        try:
            encoded = json.dumps(body, ensure_ascii=False).encode()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"input for {model} is not JSON-serialisable: {exc}") from None
        envelope = await self._request(
            _Call(
                "POST",
                self._api("/api/v1/jobs/createTask"),
                "/api/v1/jobs/createTask",
                self.timeout,
                body=encoded,
                creating=model,
            )
        )
        try:
            return CreateTaskData.model_validate(envelope.data).task_id
        except ValidationError:
            raise KieCreateUncertain(
                "createTask answered success without a taskId",
                model=model,
                code=envelope.code,
                path="/api/v1/jobs/createTask",
            ) from None

    async def record_info(self, task_id: str) -> TaskRecord:
        """The task's current state.

        Raises ``KieTaskNotVisible`` for Kie's ``422 recordInfo is null`` (and 404): normal for a
        few seconds after create, so poll on; also what an unknown or expired id gets.
        """
        if not task_id or not task_id.strip():
            raise ValueError("task_id is required")
        path = "/api/v1/jobs/recordInfo"
        url = self._api(path, {"taskId": task_id})
        try:
            envelope = await self._request(_Call("GET", url, path, self.timeout))
        except KieValidationError as exc:
            if exc.code == 404 or "null" in exc.message.lower() or "not found" in exc.message.lower():
                raise KieTaskNotVisible(task_id, exc.message, code=exc.code, path=path) from None
            raise
        if envelope.data is None:
            raise KieTaskNotVisible(task_id, "recordInfo returned no data", code=envelope.code, path=path)
        try:
            record = record_from_wire(envelope.data, task_id=task_id)
        except KieProtocolError as exc:
            raise KieProtocolError(exc.message, path=path) from None
        if record.task_id != task_id:
            raise KieProtocolError("recordInfo answered about another task", path=path)
        return record

    # Callbacks need no network: exposed here too so callers hold one object.
    parse_callback = staticmethod(parse_callback)
    verify_signature = staticmethod(verify_signature)

    # ------------------------------------------------------------ account

    async def credits(self) -> Decimal:
        """Remaining account credits (fractional values are real: e.g. 60.62)."""
        path = "/api/v1/chat/credit"
        envelope = await self._request(_Call("GET", self._api(path), path, self.timeout, parse_float=Decimal))
        value = envelope.data
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise KieProtocolError("credit balance is not a number", path=path)
        return Decimal(value)

    # ------------------------------------------------------------ catalog

    async def list_models(
        self, task_types: Sequence[str] = (), provider: str | None = None, query: str | None = None
    ) -> ModelCatalog:
        """``GET /api/v1/models``; filters are optional and combine (Kie has no paging here)."""
        path = "/api/v1/models"
        params: dict[str, str] = {}
        if task_types:
            params["taskType"] = ",".join(task_types)
        if provider:
            params["provider"] = provider
        if query:
            params["q"] = query
        envelope = await self._request(_Call("GET", self._api(path, params), path, self.timeout))
        try:
            data = ModelsData.model_validate(envelope.data)
        except ValidationError:
            raise KieProtocolError("model catalog has an unexpected shape", path=path) from None
        models: tuple[ModelInfo, ...] = tuple(model_from_wire(m) for m in data.models)
        return ModelCatalog(total=data.total if data.total is not None else len(models), models=models)

    async def model_schema(self, model: str) -> ModelSchema:
        """The model's OpenAPI document (``openapi`` is None when Kie has not published it)."""
        _check_model(model)
        path = f"/api/v1/models/{model}/schema"
        envelope = await self._request(_Call("GET", self._api(path), path, self.timeout))
        try:
            data = SchemaData.model_validate(envelope.data)
        except ValidationError:
            raise KieProtocolError("model schema has an unexpected shape", path=path) from None
        return ModelSchema(model=data.model, openapi=data.openapi)

    async def model_price(self, model: str) -> ModelPrice:
        """Kie's prose price (``pricingDesc``) for one model."""
        _check_model(model)
        path = f"/api/v1/models/{model}/price"
        envelope = await self._request(_Call("GET", self._api(path), path, self.timeout))
        try:
            data = PriceData.model_validate(envelope.data)
        except ValidationError:
            raise KieProtocolError("model price has an unexpected shape", path=path) from None
        return ModelPrice(model=data.model, pricing_desc=data.pricing_desc)

    # ------------------------------------------------------------- files

    async def upload_file(
        self, data: bytes, file_name: str, mime: str, upload_path: str = "telegram-uploads"
    ) -> UploadedFile:
        """Multipart stream upload to Kie's file host; use the result's ``download_url`` as a model
        input. Retried like any idempotent call: the same name simply overwrites the same file."""
        folder = upload_path.strip("/")
        if not folder:
            raise ValueError("upload_path is required")
        if not file_name or "/" in file_name:
            raise ValueError("file_name must be a plain file name")

        def form() -> aiohttp.FormData:
            payload = aiohttp.FormData()
            payload.add_field("uploadPath", folder)
            payload.add_field("fileName", file_name)
            payload.add_field("file", data, filename=file_name, content_type=mime)
            return payload

        path = "/api/file-stream-upload"
        envelope = await self._request(
            _Call("POST", _url(self.upload_url, path), path, self.upload_timeout, form=form)
        )
        try:
            return upload_from_wire(envelope.data)
        except KieProtocolError as exc:
            raise KieProtocolError(exc.message, path=path) from None

    async def download_url(self, url: str) -> str:
        """A fresh direct link (valid ~20 minutes) for a Kie-hosted result URL; external URLs
        are refused by Kie with 422 (``KieValidationError``)."""
        path = "/api/v1/common/download-url"
        body = json.dumps({"url": url}).encode()
        envelope = await self._request(_Call("POST", self._api(path), path, self.timeout, body=body))
        if not isinstance(envelope.data, str) or not envelope.data:
            raise KieProtocolError("download-url did not return a URL", path=path)
        return envelope.data

    async def download(self, url: str, max_bytes: int = DOWNLOAD_LIMIT) -> bytes:
        """Fetch a result file. Result hosts are public CDNs: no API key is sent to them.

        Retries like other idempotent calls; an HTTP error maps through the same error types
        (404/410 expired link → KieValidationError, 5xx → KieUnavailable).
        """
        target = URL(url, encoded=True)  # keep presigned query strings byte-for-byte
        if target.scheme not in ("http", "https"):
            raise ValueError("only http(s) result URLs can be downloaded")
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._download_once(target, max_bytes)
            except _TransportFailure as failure:
                if attempt >= self.retry.attempts:
                    raise KieUnavailable(f"download failed: {failure}", path=target.path) from failure.cause
            except KieError as exc:
                if not is_retryable(exc) or attempt >= self.retry.attempts:
                    raise
            await self._backoff(attempt, target.path, "download")

    async def _download_once(self, url: URL, max_bytes: int) -> bytes:
        session = self._ensure_session()
        try:
            async with session.get(url, timeout=self.upload_timeout) as resp:
                if resp.status != 200:
                    raise error_for_code(resp.status, f"HTTP {resp.status}", path=url.path)
                chunks: list[bytes] = []
                size = 0
                async for chunk in resp.content.iter_chunked(64 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise KieProtocolError(f"result is larger than {max_bytes} bytes", path=url.path)
                    chunks.append(chunk)
                return b"".join(chunks)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _TransportFailure(exc) from exc

    # ----------------------------------------------------------- plumbing

    def _api(self, path: str, params: Mapping[str, str] | None = None) -> URL:
        return _url(self.base_url, path, params)

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            if not self._owns_session:
                raise RuntimeError("the aiohttp session given to KieClient is closed")
            self._session = aiohttp.ClientSession()
        return self._session

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "***")[:500]

    async def _backoff(self, attempt: int, path: str, reason: str) -> None:
        delay = self.retry.delay(attempt)
        log.warning(
            "kie %s failed (%s); retry %d/%d in %.2fs", path, reason, attempt, self.retry.attempts - 1, delay
        )
        await asyncio.sleep(delay)

    async def _request(self, call: _Call) -> Envelope:
        """One logical call: attempts, retry decisions, and the createTask safety rule."""
        attempt = 0
        while True:
            attempt += 1
            try:
                envelope = await self._attempt(call)
            except _TransportFailure as failure:
                if call.creating is not None and not _transport_not_sent(failure.cause):
                    raise KieCreateUncertain(
                        f"createTask sent but no answer ({failure}); the task may exist",
                        model=call.creating,
                        path=call.path,
                    ) from failure.cause
                if attempt >= self.retry.attempts:
                    raise KieUnavailable(f"network failure: {failure}", path=call.path) from failure.cause
                reason = str(failure)
            except KieError as exc:
                if call.creating is not None and _maybe_applied(exc):
                    raise KieCreateUncertain(
                        f"createTask answered {exc.message!r}; the task may exist",
                        model=call.creating,
                        code=exc.code,
                        path=call.path,
                    ) from None
                if not is_retryable(exc) or attempt >= self.retry.attempts:
                    raise
                reason = f"code {exc.code}"
            else:
                log.debug("kie %s %s -> %s", call.method, call.path, envelope.code)
                return envelope
            await self._backoff(attempt, call.path, reason)

    async def _attempt(self, call: _Call) -> Envelope:
        if self.observer is None:
            return await self._send(call)
        started = time.perf_counter()
        error: str | None = None
        try:
            return await self._send(call)
        except _TransportFailure:
            error = "transport"
            raise
        except KieError as exc:
            error = type(exc).__name__
            raise
        finally:
            self.observer(_endpoint(call.path), time.perf_counter() - started, error)

    async def _send(self, call: _Call) -> Envelope:
        session = self._ensure_session()
        headers = {"Authorization": f"Bearer {self._api_key}", "Accept": "application/json"}
        data: bytes | aiohttp.FormData | None = call.body
        if call.body is not None:
            headers["Content-Type"] = "application/json"
        elif call.form is not None:
            data = call.form()
        try:
            async with session.request(
                call.method, call.url, data=data, headers=headers, timeout=call.timeout
            ) as resp:
                status = resp.status
                raw = await resp.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _TransportFailure(exc) from exc
        return self._interpret(status, raw, call)

    def _interpret(self, status: int, raw: bytes, call: _Call) -> Envelope:
        """Body code first (Kie's real verdict); the HTTP status only when the body is no help."""
        envelope: Envelope | None
        try:
            envelope = Envelope.model_validate(json.loads(raw, parse_float=call.parse_float))
        except (ValueError, ValidationError):
            envelope = None
        if envelope is None:
            if status != 200:
                raise error_for_code(status, f"HTTP {status}", path=call.path)
            raise KieProtocolError("answer is not a {code, msg, data} JSON envelope", path=call.path)
        code = envelope.code
        if code == 200 and status != 200:
            code = status
        if code != 200:
            text = self._scrub(envelope.text) or f"Kie code {code}"
            raise error_for_code(code, text, path=call.path)
        if envelope.success is False:
            raise KieProtocolError("answer says code 200 but success false", path=call.path)
        return envelope


def _endpoint(path: str) -> str:
    """The call's name, the path's last part (``createTask``, ``recordInfo``, ``schema`` …):
    few values for a metrics label, and no model ids in it."""
    return path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def _maybe_applied(exc: KieError) -> bool:
    """For createTask: could the server have acted although it reported an error?"""
    if isinstance(exc, KieProtocolError):
        return True
    return isinstance(exc, KieUnavailable) and exc.code != 455


def _check_model(model: str) -> None:
    if not _MODEL_ID.match(model or "") or ".." in model:
        raise ValueError(f"not a Kie model id: {model!r}")


def _url(base: str, path: str, params: Mapping[str, str] | None = None) -> URL:
    """Build the URL by hand: model ids keep their slash, query spaces become %20 (not '+')."""
    text = base + path
    if params:
        text += "?" + "&".join(f"{quote(k, safe='')}={quote(v, safe=',')}" for k, v in params.items())
    return URL(text, encoded=True)
