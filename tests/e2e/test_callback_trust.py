"""What a Kie.ai callback can do, end to end (the Telegram emulator, the Kie.ai sandbox with a
webhook key, the bot with its HTTP server): wake the job, nothing more.

Kie signs only ``taskId.timestamp``, so a fresh, correctly signed header pair carries any body.
The sandbox sends exactly that (``forge_callback``): "success" with a URL of the attacker's
choice, or "fail", while Kie.ai still says "generating". Neither moves money nor delivers
anything; what recordInfo later says does. And when recordInfo itself names the bot's own
metrics page, the bot refuses to fetch it and refunds the order.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest
from pydantic import SecretStr

from app.config import Config
from emulators.kie.faults import TaskFault
from emulators.kie.sandbox import KieSandbox
from plugins.generation.job import JobState
from plugins.generation.store import JobStore
from plugins.integrations.public_fetch import AddressPolicy
from plugins.wallet.service import Wallet
from tests.e2e.test_generation import NEXT, answer_until_summary, cheapest
from tests.support.telegram import BotUnderTest, running_bot
from tests.support.waiting import until

ANNA = 1001
HMAC_KEY = "3f9c1e7a5b2d4c6e8f0a1b3c5d7e9f1a"
CALLBACK_SECRET = "b7e2c9d4f1a6e3b8c5d2f9a4e1b6c3d8"


@dataclass
class Stage:
    bot: BotUnderTest
    sandbox: KieSandbox
    pool: asyncpg.Pool

    @property
    def sent_media(self) -> list[str]:
        return [m.media_kind for m in self.bot.emulator.bot_messages(ANNA) if m.media_kind]

    async def order_an_image(self) -> tuple[str, int]:
        """Through the menu to a confirmed order: Kie.ai's task id once submitted, and the
        balance before the order."""
        chat = self.bot.chat(ANNA)
        await chat.send("/start")
        await chat.press_containing("Картинки, баннеры", NEXT)
        await chat.press_containing(cheapest("images", "text-to-image"), NEXT)
        await chat.press("▶️ Начать")
        await answer_until_summary(chat)
        before = await Wallet(self.pool).balance(ANNA)
        await chat.press("✅ Подтвердить")
        await until(lambda: bool(self.sandbox.tasks), what="the task reached Kie.ai")
        task_id = next(iter(self.sandbox.tasks))
        store = JobStore(self.pool)
        job = await store.by_task(task_id)
        while job is None:  # the task id is stored right after createTask answers
            job = await store.by_task(task_id)
        return task_id, before

    async def job_state(self, task_id: str) -> tuple[JobState, str | None]:
        job = await JobStore(self.pool).by_task(task_id)
        assert job is not None
        hold = await self.pool.fetchval("SELECT state FROM holds WHERE job_id = $1", str(job.id))
        return job.state, hold

    async def polled_again(self, times: int = 2) -> None:
        """The runner asked recordInfo ``times`` more times: whatever a callback woke has run."""
        seen = self.sandbox.count("recordInfo")
        await until(
            lambda: self.sandbox.count("recordInfo") >= seen + times,
            timeout=10,
            what="the runner polled again",
        )


@pytest.fixture
async def stage(pool: asyncpg.Pool) -> AsyncIterator[Stage]:
    config = Config(
        _env_file=None,
        kie_callback_secret=SecretStr(CALLBACK_SECRET),
        kie_webhook_hmac_key=SecretStr(HMAC_KEY),
    )
    async with (
        KieSandbox(webhook_key=HMAC_KEY) as sandbox,
        running_bot(
            pool,
            kie_url=sandbox.base_url,
            kie_key=sandbox.api_key,
            kie_upload_url=sandbox.upload_url,
            config=config,
            serve_http=True,
            fetch_policy=AddressPolicy.allowing(sandbox.base_url),
            runner_options={"idle_sleep": 0.05, "poll_delay": lambda elapsed: 0.2},
        ) as bot,
    ):
        # paid orders only (a free run has no hold to look at)
        await Wallet(pool).set_setting("free_models_count", 0, admin_id=9001)
        yield Stage(bot, sandbox, pool)


async def test_a_signed_callback_body_moves_no_money(stage: Stage) -> None:
    stage.sandbox.faults.task(TaskFault.stuck())  # Kie.ai says "generating" until told
    wallet = Wallet(stage.pool)
    task_id, before = await stage.order_an_image()
    reserved = await wallet.balance(ANNA)
    assert reserved < before
    await until(lambda: stage.sandbox.task(task_id).state == "generating", what="generating")

    # "success", naming the bot's own metrics: the callback is accepted as a wake-up …
    metrics = f"{stage.bot.http_url}/metrics"
    lie = await stage.sandbox.forge_callback(
        task_id, state="success", resultJson=json.dumps({"resultUrls": [metrics]})
    )
    assert lie.status == 200
    await stage.polled_again()
    # … and changes nothing: no capture, nothing delivered, the job still running
    assert await stage.job_state(task_id) == (JobState.RUNNING, "held")
    assert stage.sent_media == []
    assert await wallet.balance(ANNA) == reserved

    # the same signed headers again, whatever the body: a replay, refused
    fail = {**lie.body, "code": 501, "data": {**lie.body["data"], "state": "fail"}}
    assert (await stage.sandbox.replay_callback(lie, fail)).status == 409

    # a fresh pair (the next second) saying "fail" while Kie.ai works on: no refund either
    await until(
        lambda: int(time.time()) > int(lie.headers["X-Webhook-Timestamp"]), what="a new signature timestamp"
    )
    lie = await stage.sandbox.forge_callback(task_id, state="fail", failCode="500", failMsg="forged")
    assert lie.status == 200
    await stage.polled_again()
    assert await stage.job_state(task_id) == (JobState.RUNNING, "held")
    assert await wallet.balance(ANNA) == reserved

    # Kie.ai really finishes: its own result, delivered once and paid once
    await stage.sandbox.complete_task(task_id)
    await stage.bot.emulator.wait_for(lambda: stage.sent_media, timeout=10)
    await until(lambda: stage.sandbox.callbacks_pending == 0, what="callbacks sent")
    state, hold = await stage.job_state(task_id)
    assert (state, hold) == (JobState.SUCCEEDED, "captured")
    assert stage.sent_media == ["photo"]
    assert await wallet.balance(ANNA) == reserved


async def test_a_result_naming_the_bots_own_metrics_is_refused_and_refunded(stage: Stage) -> None:
    metrics = f"{stage.bot.http_url}/metrics"
    stage.sandbox.faults.task(TaskFault(result_urls=(metrics,)))
    wallet = Wallet(stage.pool)
    task_id, before = await stage.order_an_image()
    await stage.bot.emulator.wait_for(
        lambda: any("вернулись на ваш баланс" in m.content for m in stage.bot.emulator.bot_messages(ANNA)),
        timeout=15,
    )
    assert await stage.job_state(task_id) == (JobState.FAILED, "released")
    assert stage.sent_media == []
    assert not any("bot_" in m.content for m in stage.bot.emulator.bot_messages(ANNA))
    job = await JobStore(stage.pool).by_task(task_id)
    assert job is not None and "not a public address" in (job.error_message or "")
    assert await wallet.balance(ANNA) == before  # nothing kept for the refused result
