"""The sandbox speaks Kie's wire format (shared/reference/kie_api.md §1–§6, §10)."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from typing import Any

import aiohttp
import pytest

from emulators.kie import KieSandbox, TaskFault

from .conftest import KEY, call


async def create(
    http: aiohttp.ClientSession, sandbox: KieSandbox, model: str = "nano-banana-2", **input: Any
) -> str:
    status, body = await call(
        http,
        "POST",
        f"{sandbox.base_url}/api/v1/jobs/createTask",
        json={"model": model, "input": input or {"prompt": "x"}},
    )
    assert status == 200 and body["code"] == 200, body
    return str(body["data"]["taskId"])


async def record(http: aiohttp.ClientSession, sandbox: KieSandbox, task_id: str) -> dict[str, Any]:
    status, body = await call(
        http, "GET", f"{sandbox.base_url}/api/v1/jobs/recordInfo", params={"taskId": task_id}
    )
    assert status == 200 and body["code"] == 200, body
    return dict(body["data"])


async def finished(http: aiohttp.ClientSession, sandbox: KieSandbox, task_id: str) -> dict[str, Any]:
    for _ in range(500):
        data = await record(http, sandbox, task_id)
        if data["state"] in ("success", "fail"):
            return data
        await asyncio.sleep(0.01)
    raise AssertionError("task did not finish")


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": KEY}, {"Authorization": f"Basic {KEY}"}],
)
async def test_auth_is_required_with_http_200(
    http: aiohttp.ClientSession, sandbox: KieSandbox, headers: dict[str, str]
) -> None:
    status, body = await call(
        http, "GET", f"{sandbox.base_url}/api/v1/chat/credit", auth=False, headers=headers
    )
    assert status == 200
    assert body == {"code": 401, "msg": "You do not have access permissions", "data": None}
    status, body = await call(
        http,
        "POST",
        f"{sandbox.base_url}/api/file-base64-upload",
        auth=False,
        headers=headers,
        json={"base64Data": "eA==", "uploadPath": "x"},
    )
    assert body == {"success": False, "code": 401, "msg": "Authentication failed: Invalid API Key"}


async def test_create_and_pending_record_shape(http: aiohttp.ClientSession, sandbox: KieSandbox) -> None:
    sandbox.faults.task(TaskFault.stuck())
    status, body = await call(
        http,
        "POST",
        f"{sandbox.base_url}/api/v1/jobs/createTask",
        json={
            "model": "nano-banana-2",
            "callBackUrl": "https://example.com/cb",
            "input": {"prompt": "кот", "aspect_ratio": "1:1"},
        },
    )
    assert status == 200 and body["code"] == 200 and body["msg"] == "success"
    task_id = body["data"]["taskId"]
    assert re.fullmatch(r"[0-9a-f]{32}", task_id) and body["data"]["recordId"] == task_id

    data = await record(http, sandbox, task_id)
    assert data["state"] in ("waiting", "queuing", "generating")
    assert data["resultJson"] == "" and data["failCode"] is None and data["failMsg"] is None
    assert data["successFlag"] == 0 and data["costTime"] is None and data["completeTime"] is None
    assert data["createTime"] > 1_600_000_000_000  # milliseconds
    param = json.loads(data["param"])
    assert isinstance(param["input"], str)  # double-encoded
    assert json.loads(param["input"]) == {"prompt": "кот", "aspect_ratio": "1:1"}
    assert param["callBackUrl"] == "https://example.com/cb" and param["model"] == "nano-banana-2"
    assert set(data) >= {
        "taskId",
        "model",
        "state",
        "param",
        "resultJson",
        "failCode",
        "failMsg",
        "costTime",
        "completeTime",
        "createTime",
        "updateTime",
        "successFlag",
        "creditsConsumed",
        "progress",
        "response",
    }


async def test_success_record_and_billing(http: aiohttp.ClientSession, sandbox: KieSandbox) -> None:
    sandbox.set_credits(100)
    task_id = await create(http, sandbox, "bytedance/seedream-v4-edit")  # 5.5 credits
    data = await finished(http, sandbox, task_id)
    assert data["state"] == "success" and data["successFlag"] == 1
    result = json.loads(data["resultJson"])
    assert result == data["response"] and len(result["resultUrls"]) == 1
    assert result["resultUrls"][0].startswith(f"{sandbox.base_url}/files/")
    assert isinstance(data["costTime"], int) and data["completeTime"] >= data["createTime"]
    assert data["creditsConsumed"] == 5.5
    _, body = await call(http, "GET", f"{sandbox.base_url}/api/v1/chat/credit")
    assert body == {"code": 200, "msg": "success", "data": 94.5}


async def test_failed_task_is_not_billed(http: aiohttp.ClientSession, sandbox: KieSandbox) -> None:
    sandbox.faults.task(TaskFault.failed())
    data = await finished(http, sandbox, await create(http, sandbox))
    assert data["state"] == "fail" and data["successFlag"] == 3
    assert data["failCode"] == "422" and "flagged" in data["failMsg"]
    assert data["resultJson"] == "" and data["creditsConsumed"] == 0
    assert sandbox.credits == 1000


async def test_record_errors(http: aiohttp.ClientSession, sandbox: KieSandbox) -> None:
    url = f"{sandbox.base_url}/api/v1/jobs/recordInfo"
    assert await call(http, "GET", url, params={"taskId": "f" * 32}) == (
        200,
        {"code": 422, "msg": "recordInfo is null", "data": None},
    )
    _, body = await call(http, "GET", url)
    assert body["code"] == 400


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"input": {"prompt": "x"}}, 422),
        ({"model": "nano-banana-2"}, 422),
        ({"model": "nano-banana-2", "input": "x"}, 422),
        ({"model": "nano-banana-2", "input": {}, "callBackUrl": "not a url"}, 422),
        ([1, 2], 400),
    ],
)
async def test_create_validation(
    http: aiohttp.ClientSession, sandbox: KieSandbox, payload: Any, code: int
) -> None:
    _, body = await call(http, "POST", f"{sandbox.base_url}/api/v1/jobs/createTask", json=payload)
    assert body["code"] == code and body["data"] is None
    assert sandbox.tasks == {}


async def test_insufficient_credits(http: aiohttp.ClientSession, sandbox: KieSandbox) -> None:
    sandbox.set_credits(59)
    _, body = await call(
        http,
        "POST",
        f"{sandbox.base_url}/api/v1/jobs/createTask",
        json={"model": "wan/2-5-image-to-video", "input": {"prompt": "x"}},
    )
    assert body["code"] == 402
    await create(http, sandbox, "google/imagen4-fast")  # 4 credits: fine


async def test_strict_catalog(http: aiohttp.ClientSession) -> None:
    async with KieSandbox(KEY, accept_unknown_models=False) as strict:
        _, body = await call(
            http,
            "POST",
            f"{strict.base_url}/api/v1/jobs/createTask",
            json={"model": "acme/unknown", "input": {"prompt": "x"}},
        )
        assert body["code"] == 422
        await create(http, strict)


async def test_uploads(http: aiohttp.ClientSession, sandbox: KieSandbox) -> None:
    form = aiohttp.FormData()
    form.add_field("uploadPath", "images/user-uploads")
    form.add_field("file", b"\x89PNGdata", filename="a.png", content_type="image/png")
    status, body = await call(http, "POST", f"{sandbox.upload_url}/api/file-stream-upload", data=form)
    assert status == 200 and body["success"] is True and body["code"] == 200
    data = body["data"]
    assert data["fileName"] == "a.png" and data["fileSize"] == 8 and data["mimeType"] == "image/png"
    assert data["filePath"].endswith("images/user-uploads/a.png")
    async with http.get(data["downloadUrl"]) as resp:  # no auth needed, like Kie's file hosts
        assert resp.status == 200 and await resp.read() == b"\x89PNGdata"
        assert resp.content_type == "image/png"

    encoded = "data:text/plain;base64," + base64.b64encode(b"hello").decode()
    _, body = await call(
        http,
        "POST",
        f"{sandbox.upload_url}/api/file-base64-upload",
        json={"base64Data": encoded, "uploadPath": "docs", "fileName": "h.txt"},
    )
    assert body["data"]["mimeType"] == "text/plain" and body["data"]["fileSize"] == 5
    _, body = await call(
        http,
        "POST",
        f"{sandbox.upload_url}/api/file-base64-upload",
        json={"base64Data": base64.b64encode(b"raw").decode(), "uploadPath": "docs"},
    )
    assert body["code"] == 200 and body["data"]["fileName"]

    _, body = await call(
        http,
        "POST",
        f"{sandbox.upload_url}/api/file-url-upload",
        json={"fileUrl": data["downloadUrl"], "uploadPath": "copies"},
    )
    assert body["code"] == 200 and body["data"]["fileName"] == "a.png" and body["data"]["fileSize"] == 8


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/api/file-base64-upload", {"base64Data": "eA=="}),
        ("/api/file-base64-upload", {"base64Data": "%%%", "uploadPath": "x"}),
        ("/api/file-url-upload", {"fileUrl": "http://127.0.0.1:9/x.png"}),
        ("/api/file-url-upload", {"fileUrl": "ftp://x/y", "uploadPath": "x"}),
        ("/api/file-base64-upload", {"base64Data": "eA==", "uploadPath": "../etc"}),
    ],
)
async def test_upload_errors(
    http: aiohttp.ClientSession, sandbox: KieSandbox, path: str, payload: dict[str, str]
) -> None:
    status, body = await call(http, "POST", f"{sandbox.upload_url}{path}", json=payload)
    assert status == 200 and body["success"] is False and body["code"] == 400


async def test_files_and_download_url(http: aiohttp.ClientSession, sandbox: KieSandbox) -> None:
    async with http.get(f"{sandbox.base_url}/files/results/nothing.png") as resp:
        assert resp.status == 404
    data = await finished(http, sandbox, await create(http, sandbox))
    url = data["response"]["resultUrls"][0]
    _, body = await call(http, "POST", f"{sandbox.base_url}/api/v1/common/download-url", json={"url": url})
    assert body["code"] == 200 and isinstance(body["data"], str) and body["data"].startswith(url + "?")
    async with http.get(body["data"]) as resp:
        assert resp.status == 200 and resp.content_type == "image/png"
    _, body = await call(
        http,
        "POST",
        f"{sandbox.base_url}/api/v1/common/download-url",
        json={"url": "https://example.com/a.png"},
    )
    assert body["code"] == 422


async def test_catalog_endpoints(http: aiohttp.ClientSession, sandbox: KieSandbox) -> None:
    base = f"{sandbox.base_url}/api/v1/models"
    _, body = await call(http, "GET", base)
    assert body["data"]["total"] == len(body["data"]["models"]) >= 5
    entry = body["data"]["models"][0]
    assert set(entry) >= {"model", "slug", "title", "provider", "taskType", "description", "pricingDesc"}
    for query in ("taskType=Text%20to%20Video", "taskType=Text+to+Video"):
        _, body = await call(http, "GET", f"{base}?{query}")
        assert [m["model"] for m in body["data"]["models"]] == ["kling-2.6/text-to-video"]
    _, body = await call(http, "GET", f"{base}?provider=Kling&q=kling")
    assert body["data"]["total"] == 1
    _, body = await call(http, "GET", f"{base}/kling-2.6/text-to-video/schema")
    assert body["data"]["model"] == "kling-2.6/text-to-video"
    request = body["data"]["openapi"]["paths"]["/api/v1/jobs/createTask"]["post"]["requestBody"]
    schema = request["content"]["application/json"]["schema"]
    assert schema["properties"]["input"]["properties"]["duration"]["enum"] == ["5", "10"]
    _, body = await call(http, "GET", f"{base}/kling-2.6/text-to-video/price")
    assert body["data"] == {
        "model": "kling-2.6/text-to-video",
        "pricingDesc": "Each generation costs 55 credits (0.275 USD).",
    }
    _, body = await call(http, "GET", f"{base}/acme/none/price")
    assert body["code"] == 404


async def test_mirrored_http_status(http: aiohttp.ClientSession) -> None:
    async with KieSandbox(KEY, mirror_http_status=True) as mirrored:
        status, body = await call(
            http, "GET", f"{mirrored.base_url}/api/v1/jobs/recordInfo", params={"taskId": "x"}
        )
        assert status == 422 and body["code"] == 422


async def test_rate_limit(http: aiohttp.ClientSession) -> None:
    async with KieSandbox(KEY, create_rate_limit=(3, 60.0)) as limited:
        for _ in range(3):
            await create(http, limited)
        _, body = await call(
            http,
            "POST",
            f"{limited.base_url}/api/v1/jobs/createTask",
            json={"model": "nano-banana-2", "input": {"prompt": "x"}},
        )
        assert body["code"] == 429


async def test_call_log_and_inputs(http: aiohttp.ClientSession, sandbox: KieSandbox) -> None:
    await create(http, sandbox, "nano-banana-2", prompt="one")
    await create(http, sandbox, "google/imagen4-fast", prompt="two")
    sandbox.faults.error("createTask", 429)
    _, body = await call(
        http,
        "POST",
        f"{sandbox.base_url}/api/v1/jobs/createTask",
        json={"model": "nano-banana-2", "input": {"prompt": "three"}},
    )
    assert body["code"] == 429
    assert sandbox.create_calls() == 3 and sandbox.create_calls("nano-banana-2") == 2
    assert sandbox.inputs("nano-banana-2") == [{"prompt": "one"}, {"prompt": "three"}]
    assert len(sandbox.tasks) == 2
    assert [c.fault for c in sandbox.calls] == [None, None, "ErrorReply"]
