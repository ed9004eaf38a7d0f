"""Kie.ai callbacks: a secret per-job path, optional HMAC, duplicates harmless, replays and
strange paths refused without a crash. (That a body cannot move money: tests/e2e.)"""

from __future__ import annotations

import time

import aiohttp
import pytest
from aiohttp import web

from emulators.kie.callbacks import sign
from emulators.kie.faults import TaskFault
from plugins.generation.callbacks import callback_routes, callback_url, redact_path
from plugins.generation.job import JobState
from tests.plugins.generation.conftest import PRICE, START_BALANCE, USER, Rig, model_of
from tests.support.waiting import until

SECRET = "callback-secret-for-tests"


async def _serve(rig: Rig, hmac_key: str | None = None) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.add_routes(callback_routes(rig.store, rig.runner, SECRET, hmac_key))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


async def test_duplicate_callbacks_capture_and_deliver_once(rig: Rig) -> None:
    server, base = await _serve(rig)
    try:
        rig.runner.callback_url = lambda job: callback_url(base, SECRET, job)
        # polls see nothing for a while: the callbacks, three of each, finish the job
        rig.runner.poll_delay = lambda elapsed: 30.0
        rig.sandbox.faults.task(TaskFault(latency=0.2, callback_copies=3))
        job = await rig.new_job(model_of(rig.bundle, "text-to-image"))
        done = await rig.finished(job)
        assert done.state is JobState.SUCCEEDED
        # every copy answered (so handled), then a whole look for due jobs, its steps finished
        await until(lambda: rig.sandbox.callbacks_pending == 0, what="callbacks sent")
        assert [c.status for c in rig.sandbox.callbacks] == [200] * 3
        looked = rig.runner.ticks
        await until(
            lambda: rig.runner.ticks >= looked + 2 and rig.runner.in_flight == 0,
            what="the runner looked again and went idle",
        )
        photos = [m for m in rig.emulator.bot_messages(USER) if m.media_kind == "photo"]
        assert len(photos) == 1
        assert await rig.balance() == START_BALANCE - PRICE == await rig.ledger_sum()
        held = await rig.pool.fetchval("SELECT state FROM holds WHERE job_id = $1", str(job.id))
        assert held == "captured"
    finally:
        await server.cleanup()


async def test_forged_callbacks_are_refused(rig: Rig) -> None:
    server, base = await _serve(rig)
    try:
        job = await rig.new_job(model_of(rig.bundle, "text-to-image"))
        body = {
            "code": 200,
            "msg": "ok",
            "data": {"taskId": "x" * 32, "state": "success", "resultJson": '{"resultUrls": ["http://e/x"]}'},
        }
        async with aiohttp.ClientSession() as http:
            wrong_path = f"{base}/kie/callback/{job.id.hex}/{'0' * 32}"
            async with http.post(wrong_path, json=body) as response:
                assert response.status == 404
            right_path = callback_url(base, SECRET, job)
            async with http.post(right_path, json=body) as response:
                assert response.status == 404  # the task id is not this job's
            async with http.post(right_path, data=b"{not json") as response:
                assert response.status == 400
        current = await rig.store.get(job.id)
        assert current is not None and current.result_urls != ["http://e/x"]
    finally:
        await server.cleanup()


@pytest.mark.parametrize(
    "tail", ["%D0%96" * 16, "é" * 32, "0" * 31, "g" * 32, "0" * 33, "%00" * 32, "..%2F..%2Fetc"]
)
async def test_strange_paths_are_not_found_never_a_crash(rig: Rig, tail: str) -> None:
    server, base = await _serve(rig)
    try:
        job = await rig.new_job(model_of(rig.bundle, "text-to-image"))
        async with aiohttp.ClientSession() as http:
            for path in (f"/kie/callback/{job.id.hex}/{tail}", f"/kie/callback/{tail}/{'0' * 32}"):
                async with http.post(f"{base}{path}", json={}) as response:
                    assert response.status == 404, path
    finally:
        await server.cleanup()


async def test_a_replayed_signature_is_refused(rig: Rig) -> None:
    key = "whsec-for-tests"
    server, base = await _serve(rig, hmac_key=key)
    try:
        rig.runner.callback_url = lambda job: callback_url(base, SECRET, job)
        rig.sandbox.faults.task(TaskFault.stuck())
        job = await rig.new_job(model_of(rig.bundle, "text-to-image"))

        async def submitted() -> str:
            current = await rig.store.get(job.id)
            assert current is not None
            return current.kie_task_id or ""

        task_id = ""
        while not task_id:
            task_id = await submitted()
        stamp = str(int(time.time()))
        headers = {"X-Webhook-Timestamp": stamp, "X-Webhook-Signature": sign(task_id, stamp, key)}
        body = {"code": 200, "msg": "ok", "data": {"taskId": task_id, "state": "generating"}}
        url = callback_url(base, SECRET, job)
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=body, headers=headers) as response:
                assert response.status == 200
            async with http.post(url, json=body, headers=headers) as response:
                assert response.status == 409
            stale = str(int(time.time()) - 3600)
            old = {"X-Webhook-Timestamp": stale, "X-Webhook-Signature": sign(task_id, stale, key)}
            async with http.post(url, json=body, headers=old) as response:
                assert response.status == 401
    finally:
        await server.cleanup()


def test_the_signature_segment_is_redacted() -> None:
    assert redact_path("/kie/callback/abc/0123456789abcdef?x=1") == "/kie/callback/abc/***"
    assert redact_path("/health") == "/health"
