from __future__ import annotations

import asyncio

import aiohttp
import pytest

from emulators.kie import (
    DropConnection,
    Endpoint,
    ErrorReply,
    Faults,
    HttpError,
    KieSandbox,
    LostAnswer,
    MalformedBody,
    SlowReply,
    TaskFault,
)

from .conftest import AUTH, call


def test_times_and_order() -> None:
    faults = Faults()
    faults.error("createTask", 429)
    faults.error("createTask", 455, times=2)
    taken = [faults.take_reply(Endpoint.CREATE_TASK, "m") for _ in range(4)]
    assert [f.code if isinstance(f, ErrorReply) else f for f in taken] == [429, 455, 455, None]
    assert faults.pending == 0


def test_model_rules_win_and_forever_rules_stay() -> None:
    faults = Faults()
    faults.error("recordInfo", 500, times=None)
    faults.error("recordInfo", 401, model="special")
    assert faults.take_reply(Endpoint.RECORD_INFO, "special") == ErrorReply(401)
    assert faults.take_reply(Endpoint.RECORD_INFO, "special") == ErrorReply(500)
    assert faults.take_reply(Endpoint.RECORD_INFO, None) == ErrorReply(500)
    assert faults.take_reply(Endpoint.CREDIT, None) is None
    faults.task(TaskFault.stuck(), model="slow-model", times=None)
    assert faults.take_task("other") is None
    assert faults.take_task("slow-model") == faults.take_task("slow-model") == TaskFault(never_finish=True)
    faults.clear()
    assert faults.take_reply(Endpoint.RECORD_INFO, None) is None and faults.pending == 0


def test_bad_times() -> None:
    with pytest.raises(ValueError):
        Faults().error("credit", 500, times=0)
    with pytest.raises(ValueError):
        Faults().error("nonsense", 500)


async def test_http_error_drop_malformed_and_slow(http: aiohttp.ClientSession, sandbox: KieSandbox) -> None:
    url = f"{sandbox.base_url}/api/v1/chat/credit"
    sandbox.faults.reply("credit", HttpError(502))
    sandbox.faults.reply("credit", MalformedBody())
    sandbox.faults.reply("credit", DropConnection(), times=2)  # aiohttp repeats a dropped GET once
    sandbox.faults.reply("credit", SlowReply(0.3))
    async with http.get(url, headers=AUTH) as resp:
        assert resp.status == 502 and "Bad Gateway" in await resp.text()
    async with http.get(url, headers=AUTH) as resp:
        assert resp.status == 200
        with pytest.raises(ValueError):
            await resp.json()
    with pytest.raises(aiohttp.ClientError):
        async with http.get(url, headers=AUTH) as resp:
            await resp.read()
    started = asyncio.get_running_loop().time()
    assert (await call(http, "GET", url))[1]["code"] == 200
    assert asyncio.get_running_loop().time() - started >= 0.3


async def test_create_applied_or_not(http: aiohttp.ClientSession, sandbox: KieSandbox) -> None:
    url = f"{sandbox.base_url}/api/v1/jobs/createTask"
    job = {"model": "nano-banana-2", "input": {"prompt": "x"}}
    sandbox.faults.reply("createTask", DropConnection(apply=False))
    sandbox.faults.reply("createTask", DropConnection(apply=True))
    for _ in range(2):
        with pytest.raises(aiohttp.ClientError):
            async with http.post(url, headers=AUTH, json=job) as resp:
                await resp.read()
    assert len(sandbox.tasks) == 1
    sandbox.faults.error("createTask", 500, apply=True)
    sandbox.faults.reply("createTask", HttpError(503, apply=True))
    assert (await call(http, "POST", url, json=job))[1]["code"] == 500
    async with http.post(url, headers=AUTH, json=job) as resp:
        assert resp.status == 503
    assert len(sandbox.tasks) == 3
    assert sandbox.create_calls() == 4


async def test_lost_answer_creates_and_runs_the_task_but_never_answers(
    http: aiohttp.ClientSession, sandbox: KieSandbox
) -> None:
    url = f"{sandbox.base_url}/api/v1/jobs/createTask"
    job = {"model": "nano-banana-2", "input": {"prompt": "x"}}
    sandbox.faults.reply("createTask", LostAnswer(hold=0.5))
    started = asyncio.get_running_loop().time()
    with pytest.raises(aiohttp.ClientError):
        async with http.post(url, headers=AUTH, json=job) as resp:
            await resp.read()
    assert asyncio.get_running_loop().time() - started >= 0.5
    (task,) = sandbox.tasks.values()
    assert task.state == "success" and sandbox.create_calls() == 1


async def test_lost_answer_hangs_until_the_client_gives_up(
    http: aiohttp.ClientSession, sandbox: KieSandbox
) -> None:
    url = f"{sandbox.base_url}/api/v1/jobs/createTask"
    job = {"model": "nano-banana-2", "input": {"prompt": "x"}}
    sandbox.faults.reply("createTask", LostAnswer())
    with pytest.raises(TimeoutError):
        async with http.post(url, headers=AUTH, json=job, timeout=aiohttp.ClientTimeout(total=0.3)) as resp:
            await resp.read()
    assert len(sandbox.tasks) == 1  # made although its id never came back


async def test_refused_creates_do_not_consume_task_faults(
    http: aiohttp.ClientSession, sandbox: KieSandbox
) -> None:
    sandbox.faults.task(TaskFault.failed("500", "boom"))
    sandbox.faults.error("createTask", 429)
    url = f"{sandbox.base_url}/api/v1/jobs/createTask"
    job = {"model": "nano-banana-2", "input": {"prompt": "x"}}
    assert (await call(http, "POST", url, json=job))[1]["code"] == 429
    _, body = await call(http, "POST", url, json=job)
    task = sandbox.task(body["data"]["taskId"])
    assert task.fault == TaskFault("500", "boom")
