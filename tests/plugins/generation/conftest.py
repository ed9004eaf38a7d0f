"""A generation rig: the shipped catalog, real PostgreSQL, the Kie.ai sandbox, the Telegram
emulator (for delivery) and a job runner with fast delays."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg
import pytest

from emulators.kie.sandbox import KieSandbox
from emulators.telegram.server import TelegramEmulator
from engine.loader.bundle import Bundle, load_bundle
from engine.telegram.files import TelegramFiles
from plugins.generation.delivery import Delivery
from plugins.generation.inputs import InputBuilder
from plugins.generation.job import Job
from plugins.generation.plugin import money_settlers
from plugins.generation.runner import JobRunner
from plugins.generation.store import JobStore
from plugins.integrations.kie.client import KieClient
from plugins.integrations.kie.retry import RetryPolicy
from plugins.integrations.public_fetch import AddressPolicy, PublicFetcher
from plugins.wallet.service import Wallet
from tests.conftest import PROJECT_ROOT

USER = 1001
START_BALANCE = 100_000  # 1 000 ₽
PRICE = 3_500


@pytest.fixture(scope="session")
def shipped_bundle() -> Bundle:
    return load_bundle(PROJECT_ROOT)


def model_of(bundle: Bundle, category_word: str) -> str:
    """An enabled model of a category whose only required field is a prompt-like text."""
    for definition in bundle.models.values():
        entry = definition.entry
        required = [n for n, f in entry.input.items() if f.required]
        if entry.enabled and category_word in entry.category and required == ["prompt"]:
            return entry.id
    raise LookupError(category_word)


@dataclass
class Rig:
    pool: asyncpg.Pool
    bundle: Bundle
    sandbox: KieSandbox
    emulator: TelegramEmulator
    wallet: Wallet
    store: JobStore
    runner: JobRunner

    async def new_job(
        self,
        model: str,
        values: dict[str, Any] | None = None,
        *,
        price: int = PRICE,
        timeout: timedelta = timedelta(minutes=5),
        free: bool = False,
    ) -> Job:
        entry = self.bundle.models[model].entry

        async def pay(conn: asyncpg.Connection, job_id: str) -> None:
            if free:
                used = await self.wallet.try_use_free(USER, model, job_id, free_models=[model], conn=conn)
                assert used is not None
            else:
                await self.wallet.reserve(USER, job_id, price, conn=conn)

        return await self.store.create(
            user_id=USER,
            chat_id=USER,
            language="ru",
            model=model,
            category=entry.category,
            values=values or {"prompt": "a red fox in the snow"},
            price_kopecks=0 if free else price,
            free=free,
            timeout=timeout,
            reserve=pay,
        )

    async def finished(self, job: Job, timeout: float = 15) -> Job:
        """Run until the job is settled and delivered; returns its final row."""

        async def done() -> Job:
            while True:
                current = await self.store.get(job.id)
                assert current is not None
                if current.state.terminal and current.settled and current.delivered:
                    return current
                await asyncio.sleep(0.02)

        return await asyncio.wait_for(done(), timeout)

    async def balance(self) -> int:
        return await self.wallet.balance(USER)

    async def ledger_sum(self) -> int:
        return int(
            await self.pool.fetchval("SELECT coalesce(sum(amount), 0) FROM ledger WHERE user_id = $1", USER)
        )


@pytest.fixture
async def rig(pool: asyncpg.Pool, shipped_bundle: Bundle) -> AsyncIterator[Rig]:
    async with TelegramEmulator() as emulator, KieSandbox() as sandbox:
        bot = emulator.make_bot()
        client = KieClient(
            sandbox.api_key,
            base_url=sandbox.base_url,
            upload_url=sandbox.upload_url,
            retry=RetryPolicy(base_delay=0),
        )
        wallet = Wallet(pool)
        await wallet.credit(USER, START_BALANCE, "adjustment", "test-topup")
        store = JobStore(pool)

        # results come from the sandbox on 127.0.0.1: the one address allowed besides public ones
        fetcher = PublicFetcher(AddressPolicy.allowing(sandbox.public_url), retry_delay=0)
        delivery = Delivery(bot, client, shipped_bundle, fetcher)
        on_success, on_failure = money_settlers(wallet)
        runner = JobRunner(
            store,
            client,
            InputBuilder(TelegramFiles(bot), client),
            delivery,
            shipped_bundle,
            settle_success=on_success,
            settle_failure=on_failure,
            idle_sleep=0.02,
            poll_delay=lambda elapsed: 0.05,
            retry_delay=lambda attempt: 0.05,
        )
        task = asyncio.create_task(runner.run())
        try:
            yield Rig(pool, shipped_bundle, sandbox, emulator, wallet, store, runner)
        finally:
            await runner.stop()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await client.close()
            await fetcher.close()
            await bot.session.close()
