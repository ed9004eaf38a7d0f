"""Answer shapes the sandbox does not produce by itself, served verbatim by a scripted server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from aiohttp import web

from plugins.integrations.kie import (
    NO_RETRY,
    KieAuthError,
    KieClient,
    KieCreateUncertain,
    KieError,
    KieProtocolError,
    KieRateLimited,
    KieTaskNotVisible,
    KieUnavailable,
    KieValidationError,
)

from .conftest import API_KEY


@dataclass
class Script:
    status: int = 200
    body: str = ""
    seen: list[str] = field(default_factory=list)


@pytest.fixture
async def scripted() -> AsyncIterator[tuple[Script, KieClient]]:
    script = Script()

    async def answer(request: web.Request) -> web.Response:
        script.seen.append(request.path_qs)
        return web.Response(status=script.status, text=script.body, content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    async with KieClient(API_KEY, base, base, retry=NO_RETRY) as kie:
        yield script, kie
    await runner.cleanup()


async def test_message_is_a_fallback_for_msg(scripted: tuple[Script, KieClient]) -> None:
    script, kie = scripted
    script.body = '{"code": 422, "message": "prompt too long", "data": null}'
    with pytest.raises(KieValidationError) as caught:
        await kie.create_task("m", {"prompt": "x"})
    assert caught.value.message == "prompt too long"


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, KieAuthError),
        (404, KieValidationError),
        (429, KieRateLimited),
        (503, KieUnavailable),
    ],
)
async def test_http_status_decides_when_the_body_is_not_json(
    scripted: tuple[Script, KieClient], status: int, error: type[KieError]
) -> None:
    script, kie = scripted
    script.status, script.body = status, "<html>nope</html>"
    with pytest.raises(error) as caught:
        await kie.credits()
    assert caught.value.code == status


async def test_success_code_under_an_error_status(scripted: tuple[Script, KieClient]) -> None:
    script, kie = scripted
    script.status, script.body = 500, '{"code": 200, "msg": "success", "data": 5}'
    with pytest.raises(KieUnavailable):
        await kie.credits()


@pytest.mark.parametrize(
    "body",
    [
        '{"code": 200, "msg": "success", "data": null}',
        '{"code": 200, "msg": "success", "data": {"recordId": "x"}}',
        '{"code": 200, "msg": "success", "data": {"taskId": ""}}',
        '{"msg": "success"}',
        "[]",
    ],
)
async def test_create_success_without_a_task_id_is_uncertain(
    scripted: tuple[Script, KieClient], body: str
) -> None:
    script, kie = scripted
    script.body = body
    with pytest.raises(KieCreateUncertain):
        await kie.create_task("m", {"prompt": "x"})


async def test_credit_shapes(scripted: tuple[Script, KieClient]) -> None:
    script, kie = scripted
    script.body = '{"code": 200, "msg": "success", "data": 0.1}'
    assert await kie.credits() == Decimal("0.1")  # exact, not 0.1000000000000000055...
    script.body = '{"code": 200, "msg": "success", "data": 100}'
    assert await kie.credits() == 100
    for bad in ('"100"', "true", "null", "{}"):
        script.body = f'{{"code": 200, "msg": "success", "data": {bad}}}'
        with pytest.raises(KieProtocolError):
            await kie.credits()


async def test_record_info_edge_cases(scripted: tuple[Script, KieClient]) -> None:
    script, kie = scripted
    script.body = '{"code": 404, "msg": "Task not found", "data": null}'
    with pytest.raises(KieTaskNotVisible):
        await kie.record_info("abc")
    script.body = '{"code": 422, "msg": "Temporarily supports records within 14 days", "data": null}'
    with pytest.raises(KieValidationError) as caught:
        await kie.record_info("abc")
    assert not isinstance(caught.value, KieTaskNotVisible)
    script.body = '{"code": 200, "msg": "success", "data": {"taskId": "other", "state": "waiting"}}'
    with pytest.raises(KieProtocolError):
        await kie.record_info("abc")
    assert script.seen[-1] == "/api/v1/jobs/recordInfo?taskId=abc"
    with pytest.raises(ValueError):
        await kie.record_info(" ")


async def test_upload_host_shapes(scripted: tuple[Script, KieClient]) -> None:
    script, kie = scripted
    script.body = '{"success": false, "code": 401, "msg": "Authentication failed: Invalid API Key"}'
    with pytest.raises(KieAuthError):
        await kie.upload_file(b"x", "x.png", "image/png")
    script.body = '{"success": false, "code": 200, "msg": "odd", "data": null}'
    with pytest.raises(KieProtocolError):
        await kie.upload_file(b"x", "x.png", "image/png")
    script.body = '{"success": true, "code": 200, "msg": "ok", "data": {"fileName": "x.png"}}'
    with pytest.raises(KieProtocolError):
        await kie.upload_file(b"x", "x.png", "image/png")
    for folder, name in (("", "x.png"), ("/", "x.png"), ("a", ""), ("a", "b/c.png")):
        with pytest.raises(ValueError):
            await kie.upload_file(b"x", name, "image/png", upload_path=folder)


async def test_query_spaces_are_percent_encoded(scripted: tuple[Script, KieClient]) -> None:
    script, kie = scripted
    script.body = '{"code": 200, "msg": "success", "data": {"total": 0, "models": []}}'
    catalog = await kie.list_models(
        task_types=["Text to Video", "Image to Video"], provider="Kling", query="a&b"
    )
    assert catalog.total == 0 and catalog.models == ()
    assert script.seen[-1] == (
        "/api/v1/models?taskType=Text%20to%20Video,Image%20to%20Video&provider=Kling&q=a%26b"
    )
    script.body = '{"code": 200, "msg": "success", "data": {"model": "wan/v2-2-t2v", "openapi": null}}'
    schema = await kie.model_schema("wan/v2-2-t2v")
    assert schema.openapi is None
    assert script.seen[-1] == "/api/v1/models/wan/v2-2-t2v/schema"


async def test_non_serialisable_input_is_refused_before_sending(scripted: tuple[Script, KieClient]) -> None:
    script, kie = scripted
    with pytest.raises(ValueError):
        await kie.create_task("m", {"prompt": object()})
    assert script.seen == []
