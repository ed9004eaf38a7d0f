from __future__ import annotations

import io
import wave
from collections.abc import Callable
from decimal import Decimal

import pytest

from emulators.kie import KieSandbox, Latency
from engine.files.length import seconds
from plugins.integrations.kie import KieClient, KieTaskNotVisible, KieValidationError, TaskState

from .conftest import poll_until_done

PNG = b"\x89PNG\r\n\x1a\n"


def is_png(data: bytes) -> bool:
    return data.startswith(PNG)


def is_wav(data: bytes) -> bool:
    if not (data[:4] == b"RIFF" and data[8:12] == b"WAVE"):
        return False
    with wave.open(io.BytesIO(data)) as clip:
        return int(clip.getnframes()) > 0


def is_mp4(data: bytes) -> bool:
    return data[4:12] == b"ftypisom" and seconds(data) == 2.0


@pytest.mark.parametrize(
    ("model", "task_input", "check"),
    [
        ("nano-banana-2", {"prompt": "a red fox", "aspect_ratio": "1:1"}, is_png),
        ("elevenlabs/text-to-speech-multilingual-v2", {"text": "Привет"}, is_wav),
        ("kling-2.6/text-to-video", {"prompt": "waves", "duration": "5"}, is_mp4),
    ],
)
async def test_create_poll_download(
    client: KieClient,
    sandbox: KieSandbox,
    model: str,
    task_input: dict[str, str],
    check: Callable[[bytes], bool],
) -> None:
    before = await client.credits()
    task_id = await client.create_task(model, task_input)
    assert len(task_id) == 32 and int(task_id, 16) >= 0

    record = await poll_until_done(client, task_id)

    assert record.state is TaskState.SUCCESS and record.is_success
    assert record.model == model
    assert record.param is not None and record.param.input == task_input  # double-encoded on the wire
    assert record.success_flag == 1
    assert record.fail_code is None and record.fail_msg is None
    assert record.cost_time is not None and record.cost_time >= 0
    assert record.create_time and record.complete_time and record.complete_time >= record.create_time
    price = sandbox.task(task_id).price
    assert record.credits_consumed == price
    assert await client.credits() == before - price
    assert len(record.result_urls) == 1
    data = await client.download(record.result_urls[0])
    assert check(data)


async def test_states_progress_in_order(client: KieClient, sandbox: KieSandbox) -> None:
    sandbox.set_latency(Latency(0.1, 0.1, 0.1))
    task_id = await client.create_task("google/imagen4-fast", {"prompt": "x"})
    order = list(TaskState)
    seen: list[TaskState] = []
    record = None
    while record is None or not record.is_terminal:
        record = await client.record_info(task_id)
        if not seen or seen[-1] is not record.state:
            seen.append(record.state)
    assert seen[0] is TaskState.WAITING and seen[-1] is TaskState.SUCCESS
    assert TaskState.GENERATING in seen
    assert [order.index(s) for s in seen] == sorted(order.index(s) for s in seen)


async def test_latency_per_model(client: KieClient, sandbox: KieSandbox) -> None:
    sandbox.set_latency(Latency(generating=30), model="kling-2.6/text-to-video")
    slow = await client.create_task("kling-2.6/text-to-video", {"prompt": "x"})
    fast = await client.create_task("nano-banana-2", {"prompt": "x"})
    assert (await poll_until_done(client, fast)).is_success
    assert (await client.record_info(slow)).state is TaskState.GENERATING


async def test_kind_can_be_registered_per_model(client: KieClient, sandbox: KieSandbox) -> None:
    sandbox.register_model("acme/brand-new", kind="audio", credits=3)
    record = await poll_until_done(client, await client.create_task("acme/brand-new", {"prompt": "x"}))
    assert record.credits_consumed == Decimal(3)
    assert is_wav(await client.download(record.result_urls[0]))


async def test_same_prompt_same_bytes_other_prompt_other_bytes(client: KieClient) -> None:
    async def result(prompt: str) -> bytes:
        record = await poll_until_done(client, await client.create_task("nano-banana-2", {"prompt": prompt}))
        return await client.download(record.result_urls[0])

    first, again, other = await result("cat"), await result("cat"), await result("dog")
    assert first == again != other


async def test_record_not_visible_then_visible(client: KieClient, sandbox: KieSandbox) -> None:
    task_id = await client.create_task("nano-banana-2", {"prompt": "x"})
    sandbox.faults.error("recordInfo", 422, "recordInfo is null", times=2)
    for _ in range(2):
        with pytest.raises(KieTaskNotVisible) as caught:
            await client.record_info(task_id)
        assert caught.value.task_id == task_id
    assert (await poll_until_done(client, task_id)).is_success
    assert sandbox.count("recordInfo") >= 3  # not retried inside the client: the caller polls


async def test_unknown_task_is_not_visible(client: KieClient) -> None:
    with pytest.raises(KieTaskNotVisible):
        await client.record_info("0" * 32)


async def test_fractional_credits(client: KieClient, sandbox: KieSandbox) -> None:
    sandbox.set_credits("60.62")
    assert await client.credits() == Decimal("60.62")


async def test_models_schema_and_price(client: KieClient) -> None:
    catalog = await client.list_models()
    assert catalog.total == len(catalog.models) >= 5
    ids = {m.model for m in catalog.models}
    assert {"nano-banana-2", "kling-2.6/text-to-video"} <= ids

    videos = await client.list_models(task_types=["Text to Video", "Image to Video"])
    assert {m.model for m in videos.models} == {"kling-2.6/text-to-video", "wan/2-5-image-to-video"}
    assert all(m.pricing_desc for m in videos.models)
    assert {m.model for m in (await client.list_models(provider="Google")).models} == {
        "nano-banana-2",
        "google/imagen4-fast",
    }
    assert (await client.list_models(query="no such thing at all")).total == 0

    schema = await client.model_schema("kling-2.6/text-to-video")  # the slash stays in the path
    assert schema.model == "kling-2.6/text-to-video"
    assert schema.openapi is not None and "/api/v1/jobs/createTask" in schema.openapi["paths"]

    price = await client.model_price("kling-2.6/text-to-video")
    assert price.pricing_desc and "credits" in price.pricing_desc

    with pytest.raises(KieValidationError):
        await client.model_price("acme/unknown-model")


@pytest.mark.parametrize("bad", ["", "a b", "../etc", "x?y=1", "x#y", "/lead", "trail/", "a//b"])
async def test_model_ids_are_checked_before_sending(client: KieClient, sandbox: KieSandbox, bad: str) -> None:
    with pytest.raises(ValueError):
        await client.model_schema(bad)
    with pytest.raises(ValueError):
        await client.create_task(bad, {"prompt": "x"})
    assert sandbox.calls == []


async def test_upload_then_use_the_url(client: KieClient) -> None:
    data = bytes(range(256)) * 40
    uploaded = await client.upload_file(data, "photo.jpg", "image/jpeg", upload_path="/tg/uploads/")
    assert uploaded.file_name == "photo.jpg"
    assert uploaded.file_size == len(data)
    assert uploaded.mime_type == "image/jpeg"
    assert uploaded.file_path and uploaded.file_path.endswith("tg/uploads/photo.jpg")
    assert uploaded.uploaded_at is not None
    assert await client.download(uploaded.download_url) == data


async def test_download_url(client: KieClient) -> None:
    record = await poll_until_done(client, await client.create_task("nano-banana-2", {"prompt": "x"}))
    fresh = await client.download_url(record.result_urls[0])
    assert is_png(await client.download(fresh))
    with pytest.raises(KieValidationError) as caught:
        await client.download_url("https://example.com/not-kie.png")
    assert caught.value.code == 422


async def test_callback_url_is_echoed_in_param(client: KieClient) -> None:
    task_id = await client.create_task(
        "nano-banana-2", {"prompt": "x"}, callback_url="http://127.0.0.1:9/cb?job=7"
    )
    record = await client.record_info(task_id)
    assert record.param is not None and record.param.callback_url == "http://127.0.0.1:9/cb?job=7"
