"""``/sandbox/...``: the sandbox's own HTTP control API, so another process (the bot started by
``python main.py``, a shell, a browser) can set faults, credits and latency, and look at tasks.

Unauthenticated on purpose: the sandbox binds to 127.0.0.1 and holds nothing of value.

    POST   /sandbox/faults       {"endpoint": "createTask", "fault": {"type": "error", "code": 429},
                                  "model": null, "times": 1}
                                 fault types: error, http, malformed, drop, lost (the task is
                                 made, its answer never comes), slow
    POST   /sandbox/task-faults  {"failCode": "422", "failMsg": "...", "neverFinish": false,
                                  "latency": null, "callbackCopies": 1, "resultUrls": null,
                                  "model": null, "times": 1}
    DELETE /sandbox/faults
    POST   /sandbox/credits      {"credits": "12.5"}
    POST   /sandbox/latency      {"waiting": 1, "queuing": 1, "generating": 5, "model": null}
    POST   /sandbox/models       {"model": "x/y", "kind": "video", "credits": 60}
    GET    /sandbox/state        credits, call counts, tasks, callbacks
    POST   /sandbox/tasks/{id}/complete | /fail {"failCode": "500", "failMsg": "..."}
    POST   /sandbox/reset
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from emulators.kie.faults import (
    DropConnection,
    Endpoint,
    ErrorReply,
    HttpError,
    LostAnswer,
    MalformedBody,
    ReplyFault,
    SlowReply,
    TaskFault,
)
from emulators.kie.media import MediaKind
from emulators.kie.state import Latency

if TYPE_CHECKING:
    from emulators.kie.sandbox import KieSandbox


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class _Error(_Body):
    type: Literal["error"]
    code: int
    msg: str | None = None
    apply: bool = False

    def build(self) -> ReplyFault:
        return ErrorReply(self.code, self.msg, self.apply)


class _Http(_Body):
    type: Literal["http"]
    status: int = 502
    body: str | None = None
    apply: bool = False

    def build(self) -> ReplyFault:
        return (
            HttpError(self.status, self.body, self.apply)
            if self.body
            else HttpError(self.status, apply=self.apply)
        )


class _Malformed(_Body):
    type: Literal["malformed"]

    def build(self) -> ReplyFault:
        return MalformedBody()


class _Drop(_Body):
    type: Literal["drop"]
    apply: bool = True

    def build(self) -> ReplyFault:
        return DropConnection(self.apply)


class _Lost(_Body):
    type: Literal["lost"]
    hold: float = Field(default=3600.0, ge=0)

    def build(self) -> ReplyFault:
        return LostAnswer(self.hold)


class _Slow(_Body):
    type: Literal["slow"]
    seconds: float = Field(ge=0)

    def build(self) -> ReplyFault:
        return SlowReply(self.seconds)


class ReplyFaultBody(_Body):
    endpoint: Endpoint
    fault: Annotated[_Error | _Http | _Malformed | _Drop | _Lost | _Slow, Field(discriminator="type")]
    model: str | None = None
    times: int | None = Field(default=1, ge=1)


class TaskFaultBody(_Body):
    fail_code: str | None = Field(default=None, alias="failCode")
    fail_msg: str | None = Field(default=None, alias="failMsg")
    never_finish: bool = Field(default=False, alias="neverFinish")
    latency: float | None = Field(default=None, ge=0)
    callback_copies: int = Field(default=1, ge=1, le=10, alias="callbackCopies")
    result_urls: list[str] | None = Field(default=None, alias="resultUrls")
    model: str | None = None
    times: int | None = Field(default=1, ge=1)


class CreditsBody(_Body):
    credits: Decimal = Field(ge=0)


class LatencyBody(_Body):
    waiting: float = Field(default=0, ge=0)
    queuing: float = Field(default=0, ge=0)
    generating: float = Field(default=0, ge=0)
    model: str | None = None


class ModelBody(_Body):
    model: str = Field(min_length=1)
    kind: MediaKind | None = None
    credits: Decimal | None = Field(default=None, ge=0)
    title: str = ""
    provider: str = "Sandbox"
    task_types: list[str] = Field(default_factory=list, alias="taskTypes")
    input_schema: dict[str, Any] | None = Field(default=None, alias="inputSchema")


class FailBody(_Body):
    fail_code: str = Field(default="500", alias="failCode")
    fail_msg: str = Field(default="Internal server error", alias="failMsg")


B = TypeVar("B", bound=BaseModel)


async def _parse(request: web.Request, model: type[B]) -> B:
    try:
        return model.model_validate(await request.json())
    except (ValueError, ValidationError) as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None


def _done(**extra: Any) -> web.Response:
    return web.json_response({"ok": True, **extra})


def control_routes(sandbox: KieSandbox) -> list[web.RouteDef]:
    async def add_fault(request: web.Request) -> web.Response:
        body = await _parse(request, ReplyFaultBody)
        sandbox.faults.reply(body.endpoint, body.fault.build(), model=body.model, times=body.times)
        return _done()

    async def add_task_fault(request: web.Request) -> web.Response:
        body = await _parse(request, TaskFaultBody)
        fault = TaskFault(
            body.fail_code,
            body.fail_msg,
            body.never_finish,
            body.latency,
            body.callback_copies,
            tuple(body.result_urls) if body.result_urls is not None else None,
        )
        sandbox.faults.task(fault, model=body.model, times=body.times)
        return _done()

    async def clear_faults(request: web.Request) -> web.Response:
        sandbox.faults.clear()
        return _done()

    async def set_credits(request: web.Request) -> web.Response:
        sandbox.set_credits((await _parse(request, CreditsBody)).credits)
        return _done(credits=str(sandbox.credits))

    async def set_latency(request: web.Request) -> web.Response:
        body = await _parse(request, LatencyBody)
        sandbox.set_latency(Latency(body.waiting, body.queuing, body.generating), body.model)
        return _done()

    async def add_model(request: web.Request) -> web.Response:
        body = await _parse(request, ModelBody)
        entry = sandbox.register_model(
            body.model,
            body.kind,
            credits=body.credits,
            title=body.title,
            provider=body.provider,
            task_types=body.task_types,
            input_schema=body.input_schema,
        )
        return _done(model=entry.catalog_entry())

    async def show_state(request: web.Request) -> web.Response:
        counts = Counter(call.endpoint.value for call in sandbox.calls)
        return web.json_response(
            {
                "credits": str(sandbox.credits),
                "calls": dict(counts),
                "tasks": [task.summary() for task in sandbox.tasks.values()],
                "callbacks": [
                    {"taskId": c.task_id, "url": c.url, "status": c.status, "error": c.error}
                    for c in sandbox.callbacks
                ],
                "pendingFaults": sandbox.faults.pending,
            }
        )

    async def complete(request: web.Request) -> web.Response:
        task_id = request.match_info["task_id"]
        if task_id not in sandbox.tasks:
            raise web.HTTPNotFound(text="unknown task")
        await sandbox.complete_task(task_id)
        return _done(task=sandbox.task(task_id).summary())

    async def fail(request: web.Request) -> web.Response:
        task_id = request.match_info["task_id"]
        if task_id not in sandbox.tasks:
            raise web.HTTPNotFound(text="unknown task")
        body = await _parse(request, FailBody)
        await sandbox.fail_task(task_id, body.fail_code, body.fail_msg)
        return _done(task=sandbox.task(task_id).summary())

    async def reset(request: web.Request) -> web.Response:
        sandbox.reset()
        return _done()

    return [
        web.post("/sandbox/faults", add_fault),
        web.post("/sandbox/task-faults", add_task_fault),
        web.delete("/sandbox/faults", clear_faults),
        web.post("/sandbox/credits", set_credits),
        web.post("/sandbox/latency", set_latency),
        web.post("/sandbox/models", add_model),
        web.get("/sandbox/state", show_state),
        web.post("/sandbox/tasks/{task_id}/complete", complete),
        web.post("/sandbox/tasks/{task_id}/fail", fail),
        web.post("/sandbox/reset", reset),
    ]
