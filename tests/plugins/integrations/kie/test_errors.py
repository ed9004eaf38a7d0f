"""Every fault the sandbox can inject, and what the client makes of it.

The invariant that matters most: one create_task call never reaches the server twice unless the
server demonstrably refused the first request (429/455, or no connection at all).
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from emulators.kie import (
    DropConnection,
    ErrorReply,
    HttpError,
    KieSandbox,
    MalformedBody,
    SlowReply,
    TaskFault,
)
from plugins.integrations.kie import (
    NO_RETRY,
    KieAuthError,
    KieClient,
    KieCreateUncertain,
    KieError,
    KieGenerationFailed,
    KieInsufficientCredits,
    KieProtocolError,
    KieRateLimited,
    KieUnavailable,
    KieValidationError,
    TaskState,
)

from .conftest import API_KEY, ATTEMPTS, FAST_RETRY, FAST_TIMEOUT, poll_until_done

IMAGE = "nano-banana-2"

# code -> (error type on create, create attempts the server sees)
CREATE_CODES = [
    (401, KieAuthError, 1),
    (402, KieInsufficientCredits, 1),
    (400, KieValidationError, 1),
    (422, KieValidationError, 1),
    (433, KieRateLimited, 1),  # a sub-key cap lasts hours: not retried
    (429, KieRateLimited, ATTEMPTS),  # refused, not queued: safe to ask again
    (455, KieUnavailable, ATTEMPTS),
    (500, KieCreateUncertain, 1),  # may have been applied: never repeated
    (501, KieGenerationFailed, 1),
]


@pytest.mark.parametrize(("code", "error", "calls"), CREATE_CODES)
async def test_create_error_codes(
    client: KieClient, sandbox: KieSandbox, code: int, error: type[KieError], calls: int
) -> None:
    sandbox.faults.error("createTask", code, times=None)
    with pytest.raises(error) as caught:
        await client.create_task(IMAGE, {"prompt": "x"})
    assert caught.value.code == code
    assert caught.value.path == "/api/v1/jobs/createTask"
    assert sandbox.create_calls() == calls
    assert sandbox.tasks == {}


RECORD_CODES = [
    (401, KieAuthError, 1),
    (402, KieInsufficientCredits, 1),
    (422, KieValidationError, 1),
    (429, KieRateLimited, ATTEMPTS),
    (455, KieUnavailable, ATTEMPTS),
    (500, KieUnavailable, ATTEMPTS),
    (501, KieGenerationFailed, 1),
]


@pytest.mark.parametrize(("code", "error", "calls"), RECORD_CODES)
async def test_record_info_error_codes(
    client: KieClient, sandbox: KieSandbox, code: int, error: type[KieError], calls: int
) -> None:
    task_id = await client.create_task(IMAGE, {"prompt": "x"})
    sandbox.faults.error("recordInfo", code, "Validation error: bad" if code == 422 else None, times=None)
    with pytest.raises(error) as caught:
        await client.record_info(task_id)
    assert caught.value.code == code
    assert sandbox.count("recordInfo") == calls


async def test_create_retries_a_refusal_then_succeeds(client: KieClient, sandbox: KieSandbox) -> None:
    sandbox.faults.error("createTask", 429)
    sandbox.faults.error("createTask", 455)
    task_id = await client.create_task(IMAGE, {"prompt": "x"})
    assert sandbox.create_calls() == 3
    assert list(sandbox.tasks) == [task_id]  # exactly one task, the last attempt's


async def test_fault_for_one_model_leaves_others_alone(client: KieClient, sandbox: KieSandbox) -> None:
    sandbox.faults.error("createTask", 402, model="kling-2.6/text-to-video", times=None)
    await client.create_task(IMAGE, {"prompt": "x"})
    with pytest.raises(KieInsufficientCredits):
        await client.create_task("kling-2.6/text-to-video", {"prompt": "x"})


@pytest.mark.parametrize(
    "fault",
    [
        DropConnection(apply=True),  # the task exists, its id is lost
        DropConnection(apply=False),
        HttpError(502),
        HttpError(500, apply=True),
        MalformedBody(),
        ErrorReply(500, apply=True),
        SlowReply(1.5),  # longer than the client's read timeout (0.5 s)
    ],
    ids=lambda f: repr(f)[:40],
)
async def test_uncertain_create_is_never_repeated(
    client: KieClient, sandbox: KieSandbox, fault: object
) -> None:
    sandbox.faults.reply("createTask", fault, times=None)  # type: ignore[arg-type]
    with pytest.raises(KieCreateUncertain) as caught:
        await client.create_task(IMAGE, {"prompt": "x"}, callback_url="http://127.0.0.1:9/cb/job-42")
    assert caught.value.model == IMAGE
    assert sandbox.create_calls() == 1
    applied = getattr(fault, "apply", True)
    assert len(sandbox.tasks) == (1 if applied else 0)


async def test_create_without_a_connection_is_retried_and_never_uncertain() -> None:
    with socket.socket() as sock:  # a port that is certainly closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with KieClient(API_KEY, f"http://127.0.0.1:{port}", retry=FAST_RETRY, timeout=FAST_TIMEOUT) as kie:
        with pytest.raises(KieUnavailable) as caught:
            await kie.create_task(IMAGE, {"prompt": "x"})
        assert not isinstance(caught.value, KieCreateUncertain)
        with pytest.raises(KieUnavailable):
            await kie.credits()


@pytest.mark.parametrize(
    "fault",
    [
        DropConnection(),
        HttpError(502),
        HttpError(503),
        ErrorReply(500),
        ErrorReply(455),
        ErrorReply(429),
        SlowReply(1.5),
    ],
    ids=lambda f: repr(f)[:40],
)
async def test_idempotent_calls_retry_transient_faults(
    client: KieClient, sandbox: KieSandbox, fault: object
) -> None:
    task_id = await client.create_task(IMAGE, {"prompt": "x"})
    for endpoint in ("recordInfo", "credit", "models"):
        sandbox.faults.reply(endpoint, fault, times=1)  # type: ignore[arg-type]
    assert (await poll_until_done(client, task_id)).is_success
    assert await client.credits() == sandbox.credits
    assert (await client.list_models()).total > 0
    assert sandbox.count("credit") == 2 and sandbox.count("models") == 2


async def test_idempotent_calls_give_up_after_the_last_attempt(
    client: KieClient, sandbox: KieSandbox
) -> None:
    sandbox.faults.reply("credit", HttpError(502), times=None)
    with pytest.raises(KieUnavailable) as caught:
        await client.credits()
    assert caught.value.code == 502
    assert sandbox.count("credit") == ATTEMPTS


async def test_malformed_answers_are_protocol_errors(client: KieClient, sandbox: KieSandbox) -> None:
    sandbox.faults.reply("credit", MalformedBody(), times=None)
    with pytest.raises(KieProtocolError):
        await client.credits()
    assert sandbox.count("credit") == 1  # not transient: repeating will not fix it


async def test_upload_retries_and_errors(client: KieClient, sandbox: KieSandbox) -> None:
    sandbox.faults.reply("upload", DropConnection(), times=1)
    uploaded = await client.upload_file(b"abc", "a.txt", "text/plain")
    assert await client.download(uploaded.download_url) == b"abc"
    assert sandbox.count("upload") == 2
    sandbox.faults.error("upload", 401)
    with pytest.raises(KieAuthError):
        await client.upload_file(b"abc", "a.txt", "text/plain")


async def test_wrong_key_is_an_auth_error(sandbox: KieSandbox) -> None:
    async with KieClient("not-the-key", sandbox.base_url, sandbox.upload_url, retry=FAST_RETRY) as kie:
        for call in (
            kie.credits(),
            kie.create_task(IMAGE, {"prompt": "x"}),
            kie.record_info("a" * 32),
            kie.upload_file(b"x", "x.png", "image/png"),
            kie.list_models(),
        ):
            with pytest.raises(KieAuthError):
                await call
    assert sandbox.tasks == {}


async def test_balance_is_checked_at_submit(client: KieClient, sandbox: KieSandbox) -> None:
    sandbox.set_credits("1.5")
    with pytest.raises(KieInsufficientCredits):
        await client.create_task("kling-2.6/text-to-video", {"prompt": "x"})
    assert await client.credits() == Decimal("1.5")
    assert sandbox.tasks == {}


async def test_task_that_fails_costs_nothing(client: KieClient, sandbox: KieSandbox) -> None:
    sandbox.faults.task(TaskFault.failed("422", "Your prompt was flagged by the content policy."))
    before = await client.credits()
    record = await poll_until_done(client, await client.create_task(IMAGE, {"prompt": "x"}))
    assert record.state is TaskState.FAIL and not record.is_success
    assert record.fail_code == "422"
    assert record.fail_msg == "Your prompt was flagged by the content policy."
    assert record.result_urls == ()
    assert record.credits_consumed == 0
    assert record.success_flag == 3
    assert await client.credits() == before


async def test_never_finishing_task_until_ended_by_hand(client: KieClient, sandbox: KieSandbox) -> None:
    sandbox.faults.task(TaskFault.stuck())
    task_id = await client.create_task(IMAGE, {"prompt": "x"})
    for _ in range(20):
        record = await client.record_info(task_id)
        assert not record.is_terminal
    assert record.state is TaskState.GENERATING
    await sandbox.complete_task(task_id)
    assert (await client.record_info(task_id)).is_success


async def test_slow_task(client: KieClient, sandbox: KieSandbox) -> None:
    sandbox.faults.task(TaskFault.slow(0.3))
    task_id = await client.create_task(IMAGE, {"prompt": "x"})
    assert not (await client.record_info(task_id)).is_terminal
    assert (await poll_until_done(client, task_id)).is_success


@pytest.fixture
async def mirroring() -> AsyncIterator[KieSandbox]:
    async with KieSandbox(API_KEY, mirror_http_status=True) as running:
        yield running


async def test_real_http_statuses_with_an_envelope(mirroring: KieSandbox) -> None:
    """Some deployments mirror the code into the HTTP status; the body still decides."""
    async with KieClient(API_KEY, mirroring.base_url, retry=NO_RETRY) as kie:
        mirroring.set_credits(0)
        with pytest.raises(KieInsufficientCredits):
            await kie.create_task(IMAGE, {"prompt": "x"})
        with pytest.raises(KieValidationError):
            await kie.model_schema("acme/none")
        mirroring.faults.error("createTask", 429)
        with pytest.raises(KieRateLimited):
            await kie.create_task(IMAGE, {"prompt": "x"})


async def test_rate_limit_window(sandbox: KieSandbox) -> None:
    async with (
        KieSandbox(API_KEY, create_rate_limit=(2, 60.0)) as limited,
        KieClient(API_KEY, limited.base_url, retry=FAST_RETRY) as kie,
    ):
        await kie.create_task(IMAGE, {"prompt": "1"})
        await kie.create_task(IMAGE, {"prompt": "2"})
        with pytest.raises(KieRateLimited):
            await kie.create_task(IMAGE, {"prompt": "3"})
        assert limited.create_calls() == 2 + ATTEMPTS
        assert len(limited.tasks) == 2
