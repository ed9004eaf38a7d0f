"""The /sandbox/ HTTP control API, for configuring a sandbox running in another process."""

from __future__ import annotations

import aiohttp

from emulators.kie import KieSandbox, Latency, MediaKind
from tests.support.waiting import until

from .conftest import AUTH, call


async def test_faults_over_http(http: aiohttp.ClientSession, sandbox: KieSandbox) -> None:
    base = sandbox.base_url
    async with http.post(
        f"{base}/sandbox/faults",
        json={"endpoint": "createTask", "fault": {"type": "error", "code": 429}, "times": 2},
    ) as resp:
        assert resp.status == 200
    async with http.post(
        f"{base}/sandbox/faults", json={"endpoint": "credit", "fault": {"type": "http", "status": 502}}
    ) as resp:
        assert resp.status == 200
    job = {"model": "nano-banana-2", "input": {"prompt": "x"}}
    url = f"{base}/api/v1/jobs/createTask"
    codes = [(await call(http, "POST", url, json=job))[1]["code"] for _ in range(3)]
    assert codes == [429, 429, 200]
    async with http.get(f"{base}/api/v1/chat/credit", headers=AUTH) as resp:
        assert resp.status == 502
    for fault in (
        {"type": "malformed"},
        {"type": "drop", "apply": False},
        {"type": "slow", "seconds": 0.1},
        {"type": "lost", "hold": 1},
    ):
        rule = {"endpoint": "recordInfo", "fault": fault}
        async with http.post(f"{base}/sandbox/faults", json=rule) as resp:
            assert resp.status == 200
    async with http.delete(f"{base}/sandbox/faults") as resp:
        assert resp.status == 200
    assert sandbox.faults.pending == 0


async def test_bad_control_bodies_are_400(http: aiohttp.ClientSession, sandbox: KieSandbox) -> None:
    for path, body in [
        ("/sandbox/faults", {"endpoint": "nope", "fault": {"type": "error", "code": 1}}),
        ("/sandbox/faults", {"endpoint": "credit", "fault": {"type": "weird"}}),
        ("/sandbox/credits", {"credits": -1}),
        ("/sandbox/latency", {"waiting": -1}),
        ("/sandbox/task-faults", {"times": 0}),
    ]:
        async with http.post(f"{sandbox.base_url}{path}", json=body) as resp:
            assert resp.status == 400, path


async def test_task_faults_latency_credits_models_over_http(
    http: aiohttp.ClientSession, sandbox: KieSandbox
) -> None:
    base = sandbox.base_url
    await http.post(f"{base}/sandbox/credits", json={"credits": "12.5"})
    assert str(sandbox.credits) == "12.5"
    await http.post(f"{base}/sandbox/latency", json={"generating": 7, "model": "slow/model"})
    assert sandbox.latency_for("slow/model") == Latency(generating=7)
    model = {"model": "acme/x", "kind": "video", "credits": 2}
    async with http.post(f"{base}/sandbox/models", json=model) as r:
        assert (await r.json())["model"]["model"] == "acme/x"
    assert sandbox.catalog.resolve("acme/x", {}).kind is MediaKind.VIDEO

    await http.post(f"{base}/sandbox/task-faults", json={"neverFinish": True, "times": 2})
    job = {"model": "acme/x", "input": {"prompt": "x"}}
    ids = [
        (await call(http, "POST", f"{base}/api/v1/jobs/createTask", json=job))[1]["data"]["taskId"]
        for _ in range(2)
    ]
    await until(lambda: all(sandbox.task(i).state == "generating" for i in ids))

    async with http.post(f"{base}/sandbox/tasks/{ids[0]}/complete") as resp:
        assert (await resp.json())["task"]["state"] == "success"
    failure = {"failCode": "422", "failMsg": "no"}
    async with http.post(f"{base}/sandbox/tasks/{ids[1]}/fail", json=failure) as resp:
        assert (await resp.json())["task"]["failMsg"] == "no"
    async with http.post(f"{base}/sandbox/tasks/{'0' * 32}/complete") as resp:
        assert resp.status == 404

    async with http.get(f"{base}/sandbox/state") as resp:
        state = await resp.json()
    assert state["credits"] == "10.5"
    assert state["calls"] == {"createTask": 2}
    assert {t["state"] for t in state["tasks"]} == {"success", "fail"}
    assert state["tasks"][0]["input"] == {"prompt": "x"}

    await http.post(f"{base}/sandbox/reset")
    assert sandbox.tasks == {} and sandbox.calls == [] and sandbox.credits == 1000
