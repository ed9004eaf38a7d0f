"""The job runner against the Kie.ai sandbox: every fault ends in the right state, the user
hears about it in plain words, money moves exactly once, nothing is submitted twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from emulators.kie.faults import (
    DropConnection,
    ErrorReply,
    HttpError,
    MalformedBody,
    TaskFault,
)
from plugins.generation.job import JobState
from tests.plugins.generation.conftest import PRICE, START_BALANCE, USER, Rig, model_of


def image_model(rig: Rig) -> str:
    return model_of(rig.bundle, "text-to-image")


def delivered(rig: Rig) -> list:
    return [m for m in rig.emulator.bot_messages(USER) if m.media_kind or "❌" in m.content]


async def test_success_is_captured_once_and_delivered_as_a_photo(rig: Rig) -> None:
    job = await rig.new_job(image_model(rig))
    assert await rig.balance() == START_BALANCE - PRICE
    done = await rig.finished(job)
    assert done.state is JobState.SUCCEEDED and done.result_urls
    results = [m for m in rig.emulator.bot_messages(USER) if m.media_kind]
    assert [m.media_kind for m in results] == ["photo"]
    assert "Ещё раз" in str(results[0].reply_markup)
    status = [m for m in rig.emulator.bot_messages(USER) if "готово за" in m.content]
    assert len(status) == 1 and status[0].edited  # one status message, edited in place
    assert await rig.balance() == START_BALANCE - PRICE == await rig.ledger_sum()
    assert rig.sandbox.create_calls() == 1


@pytest.mark.parametrize("code", [429, 455])
async def test_refused_creates_are_retried_until_accepted(rig: Rig, code: int) -> None:
    rig.sandbox.faults.error("createTask", code, times=2)
    done = await rig.finished(await rig.new_job(image_model(rig)))
    assert done.state is JobState.SUCCEEDED
    assert rig.sandbox.create_calls() == 3 and len(rig.sandbox.tasks) == 1


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (401, "перегружен или недоступен"),
        (402, "перегружен или недоступен"),
        (422, "не принял входные данные"),
        (501, "Модель не смогла создать результат"),
    ],
)
async def test_refused_create_fails_refunds_and_explains(rig: Rig, code: int, reason: str) -> None:
    rig.sandbox.faults.error("createTask", code, times=None)
    done = await rig.finished(await rig.new_job(image_model(rig)))
    assert done.state is JobState.FAILED
    failure = next(m for m in rig.emulator.bot_messages(USER) if "не удалась" in m.content)
    assert reason in failure.content and "вернулись на ваш баланс" in failure.content
    assert await rig.balance() == START_BALANCE == await rig.ledger_sum()
    assert rig.sandbox.create_calls() == 1


@pytest.mark.parametrize(
    "fault",
    [DropConnection(apply=True), HttpError(502, apply=True), MalformedBody(), ErrorReply(500, apply=True)],
)
async def test_create_that_may_have_happened_is_never_repeated(rig: Rig, fault: object) -> None:
    rig.sandbox.faults.reply("createTask", fault)  # type: ignore[arg-type]
    done = await rig.finished(await rig.new_job(image_model(rig)))
    assert done.state is JobState.FAILED and done.error_code == "uncertain"
    assert rig.sandbox.create_calls() == 1
    assert await rig.balance() == START_BALANCE
    failure = next(m for m in rig.emulator.bot_messages(USER) if "не удалась" in m.content)
    assert "не подтвердил приём заказа" in failure.content


async def test_task_refused_by_content_policy(rig: Rig) -> None:
    rig.sandbox.faults.task(TaskFault.failed("400", "Your prompt was flagged by the policy"))
    done = await rig.finished(await rig.new_job(image_model(rig)))
    assert done.state is JobState.FAILED and done.error_code == "content_policy"
    failure = next(m for m in rig.emulator.bot_messages(USER) if "не удалась" in m.content)
    assert "правилам контента" in failure.content
    assert await rig.balance() == START_BALANCE


async def test_task_whose_generation_failed_is_explained_honestly(rig: Rig) -> None:
    rig.sandbox.faults.task(TaskFault.failed("501", "Generation failed"))
    done = await rig.finished(await rig.new_job(image_model(rig)))
    assert done.state is JobState.FAILED and done.error_code == "generation_failed"
    failure = next(m for m in rig.emulator.bot_messages(USER) if "не удалась" in m.content)
    assert "Модель не смогла создать результат" in failure.content
    assert "«Generation failed»" in failure.content and "перегружен" not in failure.content
    assert await rig.balance() == START_BALANCE == await rig.ledger_sum()


async def test_task_that_never_finishes_times_out_and_refunds(rig: Rig) -> None:
    rig.sandbox.faults.task(TaskFault.stuck())
    job = await rig.new_job(image_model(rig), timeout=timedelta(seconds=1))
    done = await rig.finished(job)
    assert done.state is JobState.TIMED_OUT
    assert await rig.balance() == START_BALANCE == await rig.ledger_sum()
    assert any("не пришёл вовремя" in m.content for m in rig.emulator.bot_messages(USER))


@pytest.mark.parametrize("fault", ["malformed", "http500", "error500", "error429"])
async def test_polling_survives_bad_answers(rig: Rig, fault: str) -> None:
    rig.sandbox.faults.task(TaskFault.slow(0.3))
    replies = {"malformed": MalformedBody(), "http500": HttpError(500)}
    if fault in replies:
        rig.sandbox.faults.reply("recordInfo", replies[fault], times=2)
    else:
        rig.sandbox.faults.error("recordInfo", int(fault[-3:]), times=2)
    done = await rig.finished(await rig.new_job(image_model(rig)))
    assert done.state is JobState.SUCCEEDED
    assert rig.sandbox.create_calls() == 1


async def test_cancel_before_kie_accepts_refunds(rig: Rig) -> None:
    rig.sandbox.faults.error("createTask", 455, times=None)
    job = await rig.new_job(image_model(rig))
    await rig.emulator.wait_for(
        lambda: any("в очереди" in m.content for m in rig.emulator.bot_messages(USER))
    )
    # a press while a (refused) createTask is in flight is refused: the request might be
    # making the task. Between tries the job is back in "created" and can be cancelled.
    cancelled = None
    async with asyncio.timeout(10):
        while cancelled is None:
            cancelled = await rig.store.cancel(job.id, USER)
            if cancelled is None:
                await asyncio.sleep(0.01)
    done = await rig.finished(job)
    assert done.state is JobState.CANCELLED
    assert await rig.balance() == START_BALANCE
    assert any("отменено" in m.content for m in rig.emulator.bot_messages(USER))


async def test_free_run_is_given_back_on_failure(rig: Rig) -> None:
    model = image_model(rig)
    rig.sandbox.faults.task(TaskFault.failed("500", "internal error"))
    done = await rig.finished(await rig.new_job(model, free=True))
    assert done.state is JobState.FAILED
    hour_left, day_left = await rig.wallet.free_left(USER, model)
    settings = await rig.wallet.get_settings()
    assert (hour_left, day_left) == (settings.free_hourly_limit, settings.free_daily_limit)
    assert await rig.balance() == START_BALANCE
    assert any("Бесплатный запуск возвращён" in m.content for m in rig.emulator.bot_messages(USER))
