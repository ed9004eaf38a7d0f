"""``KieSandbox``: a local, fault-injectable Kie.ai for tests and for ``python main.py`` without a key.

    async with KieSandbox(api_key="k") as kie:          # 127.0.0.1, a free port
        client = KieClient("k", base_url=kie.base_url, upload_url=kie.upload_url)
        kie.faults.error("createTask", 429)             # the next create is refused
        ...
        assert kie.count("createTask") == 2

Both Kie hosts (API and uploads) are served by one server, so ``upload_url == base_url``.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from emulators.kie.api import MAX_UPLOAD_BYTES, ApiConfig, KieApi, credits_value, swallow_dropped
from emulators.kie.callbacks import CallbackSender
from emulators.kie.catalog import DEFAULT_MODELS, Catalog, SandboxModel
from emulators.kie.control import control_routes
from emulators.kie.faults import Endpoint, Faults
from emulators.kie.lifecycle import TaskDriver
from emulators.kie.media import MediaKind
from emulators.kie.state import CallbackDelivery, CallRecord, Latency, SandboxState, SandboxTask


class KieSandbox:
    def __init__(
        self,
        api_key: str = "sandbox-key",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        credits: Decimal | int | float | str = 1000,
        latency: Latency | None = None,
        webhook_key: str | None = None,
        public_url: str | None = None,
        models: Iterable[SandboxModel] = DEFAULT_MODELS,
        accept_unknown_models: bool = True,
        mirror_http_status: bool = False,
        create_rate_limit: tuple[int, float] | None = None,
        callback_retry_delay: float = 1.0,
        callback_timeout: float = 15.0,
    ) -> None:
        """``latency`` applies to every model without its own (see ``set_latency``); the default
        (all zeros) finishes tasks at once. ``public_url`` is the origin written into result and
        upload URLs when the sandbox is reached by another name than its bind address."""
        self.host = host
        self.port = port
        self._initial_credits = credits_value(credits)
        self._public_url = public_url.rstrip("/") if public_url else None
        self.state = SandboxState(self._initial_credits)
        self.faults = Faults()
        self.catalog = Catalog(models)
        self._latency: dict[str | None, Latency] = {None: latency or Latency()}
        self.callback_sender = CallbackSender(
            self.state, webhook_key=webhook_key, timeout=callback_timeout, retry_delay=callback_retry_delay
        )
        self.driver = TaskDriver(self.state, self.callback_sender, self.latency_for, lambda: self.public_url)
        self.config = ApiConfig(api_key, accept_unknown_models, mirror_http_status, create_rate_limit)
        self._http: aiohttp.ClientSession | None = None
        self.api = KieApi(
            self.config,
            self.state,
            self.faults,
            self.catalog,
            self.driver,
            lambda: self.public_url,
            self._http_session,
        )
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------ lifecycle

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES, middlewares=[swallow_dropped])
        app.add_routes(self.api.routes())
        app.add_routes(control_routes(self))
        return app

    async def start(self) -> KieSandbox:
        if self._runner is not None:
            return self
        runner = web.AppRunner(self.build_app(), access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        await web.SockSite(runner, sock).start()
        self._runner = runner
        return self

    async def stop(self) -> None:
        await self.driver.stop()
        await self.callback_sender.close()
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> KieSandbox:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def upload_url(self) -> str:
        return self.base_url

    @property
    def public_url(self) -> str:
        return self._public_url or self.base_url

    @property
    def api_key(self) -> str:
        return self.config.api_key

    def _http_session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        return self._http

    # -------------------------------------------------------------- knobs

    @property
    def credits(self) -> Decimal:
        return self.state.credits

    def set_credits(self, value: Decimal | int | float | str) -> None:
        self.state.credits = credits_value(value)

    def set_latency(self, latency: Latency, model: str | None = None) -> None:
        """Latency for one model, or the default for all (``model=None``)."""
        self._latency[model] = latency

    def latency_for(self, model: str) -> Latency:
        return self._latency.get(model) or self._latency[None]

    def register_model(
        self,
        model: str,
        kind: MediaKind | str | None = None,
        *,
        credits: Decimal | int | float | str | None = None,
        title: str = "",
        provider: str = "Sandbox",
        task_types: Iterable[str] = (),
        input_schema: Mapping[str, Any] | None = None,
    ) -> SandboxModel:
        """Add or replace a catalog entry; unspecified fields keep the inferred/default values."""
        current = self.catalog.resolve(model, {})
        entry = SandboxModel(
            model=model,
            kind=MediaKind(kind) if kind is not None else current.kind,
            credits=credits_value(credits) if credits is not None else current.credits,
            title=title or current.title,
            provider=provider,
            task_types=tuple(task_types) or current.task_types,
            input_schema=dict(input_schema) if input_schema is not None else current.input_schema,
        )
        self.catalog.register(entry)
        return entry

    def reset(self) -> None:
        """Forget tasks, calls, files and faults; restore the starting balance."""
        self.faults.clear()
        self.state.reset(self._initial_credits)

    # ---------------------------------------------------------- inspection

    @property
    def tasks(self) -> Mapping[str, SandboxTask]:
        return self.state.tasks

    def task(self, task_id: str) -> SandboxTask:
        return self.state.tasks[task_id]

    @property
    def calls(self) -> list[CallRecord]:
        return self.state.calls

    def count(self, endpoint: Endpoint | str, model: str | None = None) -> int:
        """Requests seen for ``endpoint`` (refused and faulted ones included)."""
        return self.state.count(endpoint, model)

    def create_calls(self, model: str | None = None) -> int:
        return self.count(Endpoint.CREATE_TASK, model)

    def inputs(self, model: str | None = None) -> list[dict[str, Any]]:
        """The ``input`` objects of every createTask received (for ``model``, if given)."""
        found = []
        for call in self.state.calls:
            if call.endpoint is Endpoint.CREATE_TASK and (model is None or call.model == model) and call.body:
                value = call.body.get("input")
                if isinstance(value, dict):
                    found.append(value)
        return found

    @property
    def callbacks(self) -> list[CallbackDelivery]:
        return self.state.callbacks

    @property
    def callbacks_pending(self) -> int:
        """Callback deliveries still under way: at 0 every attempt, retries included, is in
        ``callbacks`` and no more will come (so a test waits on it instead of sleeping)."""
        return self.driver.deliveries_pending

    # ------------------------------------------------------- manual endings

    async def complete_task(self, task_id: str) -> None:
        """Finish a task successfully now (e.g. one held by ``TaskFault.stuck()``)."""
        await self.driver.finish(self.task(task_id))

    async def fail_task(
        self, task_id: str, fail_code: str = "500", fail_msg: str = "Internal server error"
    ) -> None:
        await self.driver.finish(self.task(task_id), fail_code, fail_msg)

    # ------------------------------------------------------- lying callbacks

    async def forge_callback(self, task_id: str, **data: Any) -> CallbackDelivery:
        """POST the task's callback now, correctly signed (when the sandbox has a webhook key)
        but with a body that says what ``data`` says, whatever the task's real state: e.g.
        ``state="success", resultJson='{"resultUrls": ["http://..."]}'`` or ``state="fail"``.
        Kie's signature covers only ``taskId.timestamp``, so this is what anyone holding one
        fresh header pair could send."""
        task = self.task(task_id)
        body = task.callback_body()
        body["data"] = {**body["data"], **data}
        succeeded = body["data"].get("state") == "success"
        body["code"] = 200 if succeeded else 501
        sender = self.callback_sender
        return await sender.post(task, body, sender.signed_headers(task_id))

    async def replay_callback(
        self, delivery: CallbackDelivery, body: Mapping[str, Any] | None = None
    ) -> CallbackDelivery:
        """Send an earlier callback again with the same headers (its signature and timestamp),
        with its own body or another one."""
        task = self.task(delivery.task_id)
        return await self.callback_sender.post(task, dict(body or delivery.body), dict(delivery.headers))
