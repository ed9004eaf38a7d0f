from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from emulators.kie import KieSandbox, TaskFault
from plugins.integrations.kie import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    KieClient,
    KieProtocolError,
    TaskState,
    callback_task_id,
    parse_callback,
    verify_signature,
)
from tests.support.waiting import until

from .conftest import API_KEY, FAST_RETRY

HOOK_KEY = "whk-2b6f0e"
TASK = "bd8f4b1a52048d0f17a38b49591abfa1"

W3_SUCCESS: dict[str, Any] = {
    "code": 200,
    "msg": "Playground task completed successfully.",
    "data": {
        "taskId": TASK,
        "model": "wan/3-0-video-prime",
        "state": "success",
        "param": json.dumps(
            {
                "input": json.dumps({"duration": 5, "prompt": "sea"}),
                "callBackUrl": "https://example.com/cb",
                "model": "wan/3-0-video-prime",
            }
        ),
        "resultJson": json.dumps({"resultUrls": ["https://tempfile.aiquickdraw.com/x/1.mp4"]}),
        "costTime": 89,
        "completeTime": 1787567409000,
        "createTime": 1787567320000,
        "updateTime": 1787567409000,
        "creditsConsumed": 61,
    },
}

W3_FAIL: dict[str, Any] = {
    "code": 501,
    "msg": "Playground task failed.",
    "data": {
        "taskId": TASK,
        "model": "wan/3-0-video-prime",
        "state": "fail",
        "param": "{}",
        "resultJson": None,
        "failCode": "400",
        "failMsg": "bad input",
        "costTime": 89,
        "creditsConsumed": 0,
    },
}


def sign(task_id: str, stamp: str, key: str) -> str:
    mac = hmac.new(key.encode(), f"{task_id}.{stamp}".encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def test_parse_documented_success_callback() -> None:
    record = parse_callback(W3_SUCCESS)
    assert record.task_id == TASK and record.state is TaskState.SUCCESS
    assert record.result_urls == ("https://tempfile.aiquickdraw.com/x/1.mp4",)
    assert record.cost_time == 89 and record.credits_consumed == 61
    assert record.param is not None and record.param.input == {"duration": 5, "prompt": "sea"}
    assert record.param.callback_url == "https://example.com/cb"


def test_parse_documented_failure_callback() -> None:
    record = parse_callback(W3_FAIL)
    assert record.state is TaskState.FAIL
    assert (record.fail_code, record.fail_msg, record.result_urls) == ("400", "bad input", ())
    assert record.param is not None and record.param.input == {}


def test_parse_older_callback_without_state_and_with_task_id() -> None:
    body = {"code": 200, "msg": "ok", "data": {"task_id": TASK, "resultJson": '{"resultUrls": ["u"]}'}}
    record = parse_callback(body)
    assert record.task_id == TASK and record.state is TaskState.SUCCESS and record.result_urls == ("u",)
    failed = parse_callback({"code": 501, "msg": "no", "data": {"taskId": TASK, "failCode": 500}})
    assert failed.state is TaskState.FAIL and failed.fail_code == "500"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"code": 200},
        {"code": 200, "data": None},
        {"code": 200, "data": {"state": "success"}},
        {"code": 200, "data": {"taskId": TASK, "state": "exploded"}},
        {"code": 200, "data": {"taskId": TASK, "state": "success", "resultJson": "{not json"}},
        {"code": 200, "data": {"taskId": TASK, "state": "success", "resultJson": ""}},
    ],
)
def test_unusable_callbacks_are_protocol_errors(body: dict[str, Any]) -> None:
    with pytest.raises(KieProtocolError):
        parse_callback(body)


def test_callback_task_id_accepts_both_spellings() -> None:
    assert callback_task_id({"data": {"taskId": "a"}}) == "a"
    assert callback_task_id({"data": {"task_id": "b"}}) == "b"
    assert callback_task_id({"data": None}) is None
    assert callback_task_id({}) is None


class TestSignature:
    now = 1_787_567_409.0
    stamp = str(int(now) - 10)

    def test_valid(self) -> None:
        good = sign(TASK, self.stamp, HOOK_KEY)
        assert verify_signature(TASK, self.stamp, good, HOOK_KEY, now=self.now)
        assert verify_signature(TASK, int(self.stamp), good, HOOK_KEY, now=self.now)

    def test_wrong_key(self) -> None:
        assert not verify_signature(TASK, self.stamp, sign(TASK, self.stamp, "other"), HOOK_KEY, now=self.now)

    def test_other_task(self) -> None:
        good = sign(TASK, self.stamp, HOOK_KEY)
        assert not verify_signature("f" * 32, self.stamp, good, HOOK_KEY, now=self.now)

    def test_stale_and_future_timestamps(self) -> None:
        for stamp in (str(int(self.now) - 301), str(int(self.now) + 301)):
            assert not verify_signature(TASK, stamp, sign(TASK, stamp, HOOK_KEY), HOOK_KEY, now=self.now)
        edge = str(int(self.now) - 300)
        assert verify_signature(TASK, edge, sign(TASK, edge, HOOK_KEY), HOOK_KEY, now=self.now)
        old = str(int(self.now) - 3600)
        assert verify_signature(TASK, old, sign(TASK, old, HOOK_KEY), HOOK_KEY, now=self.now, tolerance=7200)

    @pytest.mark.parametrize(
        ("stamp", "signature"),
        [
            (None, "x"),
            ("", "x"),
            ("12a", "x"),
            ("-5", "x"),
            ("1787567399", None),
            ("1787567399", ""),
            ("1787567399", "ünïcode"),
            ("1787567399.5", "x"),
        ],
    )
    def test_malformed_inputs(self, stamp: str | None, signature: str | None) -> None:
        assert not verify_signature(TASK, stamp, signature, HOOK_KEY, now=self.now)

    def test_empty_key_or_task(self) -> None:
        assert not verify_signature(TASK, self.stamp, sign(TASK, self.stamp, ""), "", now=self.now)
        assert not verify_signature("", self.stamp, sign("", self.stamp, HOOK_KEY), HOOK_KEY, now=self.now)


@dataclass
class Receiver:
    url: str = ""
    status: int = 200
    received: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait(self, count: int, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver()

    async def hook(request: web.Request) -> web.Response:
        state.received.append((dict(request.headers), await request.json()))
        state.arrived.set()
        return web.json_response({"code": 200, "msg": "success"}, status=state.status)

    app = web.Application()
    app.router.add_post("/kie/callback/{job}", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    state.url = f"http://127.0.0.1:{port}/kie/callback"
    yield state
    await runner.cleanup()


@pytest.fixture
async def signed() -> AsyncIterator[KieSandbox]:
    async with KieSandbox(API_KEY, webhook_key=HOOK_KEY, callback_retry_delay=0.01) as running:
        yield running


async def test_signed_callback_end_to_end(signed: KieSandbox, receiver: Receiver) -> None:
    async with KieClient(API_KEY, signed.base_url, retry=FAST_RETRY) as kie:
        task_id = await kie.create_task(
            "nano-banana-2", {"prompt": "x"}, callback_url=f"{receiver.url}/job-1"
        )
        await receiver.wait(1)
        headers, body = receiver.received[0]
        hook_task = callback_task_id(body)
        assert hook_task == task_id
        args = (hook_task, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER])
        assert kie.verify_signature(*args, HOOK_KEY, now=time.time())
        assert not kie.verify_signature(*args, "wrong-key", now=time.time())
        assert not kie.verify_signature(*args, HOOK_KEY, now=time.time() + 3600)
        record = kie.parse_callback(body)
        assert body["code"] == 200 and body["msg"] == "Playground task completed successfully."
        assert record == await kie.record_info(task_id)


async def test_failure_callback_and_duplicates(sandbox: KieSandbox, receiver: Receiver) -> None:
    sandbox.faults.task(TaskFault(fail_code="422", fail_msg="flagged", callback_copies=2))
    async with KieClient(API_KEY, sandbox.base_url, retry=FAST_RETRY) as kie:
        task_id = await kie.create_task(
            "nano-banana-2", {"prompt": "x"}, callback_url=f"{receiver.url}/job-2"
        )
        await receiver.wait(2)
    (headers_a, first), (_, second) = receiver.received
    assert first == second  # the receiver must be idempotent
    assert SIGNATURE_HEADER not in headers_a  # no webhook key configured: unsigned
    assert first["code"] == 501 and first["msg"] == "Playground task failed."
    assert first["data"]["resultJson"] is None
    record = parse_callback(first)
    assert record.task_id == task_id and record.state is TaskState.FAIL and record.fail_code == "422"


async def test_failed_deliveries_are_retried_three_times(sandbox: KieSandbox, receiver: Receiver) -> None:
    receiver.status = 500
    async with KieClient(API_KEY, sandbox.base_url, retry=FAST_RETRY) as kie:
        await kie.create_task("nano-banana-2", {"prompt": "x"}, callback_url=f"{receiver.url}/job-3")
        await receiver.wait(4)
    await until(lambda: sandbox.callbacks_pending == 0, what="the sandbox gave up")
    assert len(receiver.received) == 4
    assert [d.status for d in sandbox.callbacks] == [500] * 4
