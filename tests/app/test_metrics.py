"""/metrics after a real order: updates by kind, Bot API calls by method, Kie.ai latency by
endpoint, jobs by state and model, and the money that came in and was spent."""

from __future__ import annotations

import asyncio
import re

import aiohttp
import asyncpg

from app.metrics import Metrics
from emulators.kie.sandbox import KieSandbox
from engine.telegram.pace import SendLimits, SendPace
from plugins.integrations.public_fetch import AddressPolicy
from plugins.wallet.service import Wallet
from tests.e2e.test_generation import NEXT, answer_until_summary, cheapest
from tests.support.telegram import running_bot

ANNA = 1001


def sample(page: str, name: str, **labels: str) -> float:
    """The value of one series, or 0 when it is not there."""
    for line in page.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}", 1)[0])) if "{" in line else {}
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_an_order_shows_in_every_family_of_metrics(pool: asyncpg.Pool) -> None:
    metrics = Metrics()
    async with (
        KieSandbox() as sandbox,
        running_bot(
            pool,
            kie_url=sandbox.base_url,
            kie_key=sandbox.api_key,
            kie_upload_url=sandbox.upload_url,
            serve_http=True,
            fetch_policy=AddressPolicy.allowing(sandbox.base_url),
            runner_options={"idle_sleep": 0.05, "poll_delay": lambda elapsed: 0.1},
            metrics=metrics,
        ) as bot,
    ):
        wallet = Wallet(pool)
        await wallet.set_setting("free_hourly_limit", 0, 1)  # a paid order: money is spent
        await wallet.credit(ANNA, 50_000, "topup_stars", "metrics-topup")
        chat = bot.chat(ANNA)
        await chat.send("/start")
        await chat.press_containing("Картинки, баннеры", NEXT)
        await chat.press_containing(cheapest("images", "text-to-image"), NEXT)
        await chat.press("▶️ Начать")
        await answer_until_summary(chat)
        await chat.press("✅ Подтвердить")
        await bot.emulator.wait_for(
            lambda: any(m.media_kind for m in bot.emulator.bot_messages(ANNA)), timeout=20
        )
        async with aiohttp.ClientSession() as http, http.get(f"{bot.http_url}/metrics") as response:
            assert response.status == 200
            page = await response.text()

    assert sample(page, "bot_updates_total", kind="message") >= 1
    assert sample(page, "bot_updates_total", kind="callback_query") >= 4
    assert sample(page, "bot_update_handling_seconds_count", kind="callback_query") >= 4
    assert sample(page, "telegram_api_calls_total", method="SendMessage", outcome="ok") >= 1
    assert sample(page, "kie_request_seconds_count", endpoint="createTask") == 1
    assert sample(page, "kie_request_seconds_count", endpoint="recordInfo") >= 1
    assert sample(page, "bot_jobs", state="succeeded") == 1
    assert sample(page, "bot_money_kopecks_total", flow="in") == 50_000
    spent = await pool.fetchval("SELECT sum(amount) FROM holds WHERE state = 'captured'")
    assert spent > 0 and sample(page, "bot_money_kopecks_total", flow="spent") == spent


async def test_the_send_limiter_queues_and_waits_are_reported() -> None:
    metrics = Metrics()
    pace = SendPace(SendLimits(rate=None, chat_rate=None, bulk_rate=5), observe=metrics.send_waited)
    metrics.watch_pace(pace)
    for _ in range(3):
        await pace.slot()  # the burst: no wait
    queued = [asyncio.create_task(pace.slot()) for _ in range(2)]
    await asyncio.sleep(0.01)
    page = (await metrics.exposition(None)).decode()
    assert sample(page, "telegram_send_queue_depth", priority="bulk") >= 1
    assert sample(page, "telegram_send_queue_depth", priority="reply") == 0
    await asyncio.gather(*queued)
    page = (await metrics.exposition(None)).decode()
    assert sample(page, "telegram_send_wait_seconds_count", priority="bulk") == 5
    assert sample(page, "telegram_send_wait_seconds_sum", priority="bulk") >= 0.2
