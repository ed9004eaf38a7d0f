"""A job submitted, the bot killed with SIGKILL mid-poll, restarted: delivered exactly once,
paid exactly once, submitted exactly once."""

from __future__ import annotations

import asyncio
import signal
import uuid

import asyncpg

from emulators.kie.sandbox import KieSandbox
from emulators.kie.state import Latency
from emulators.telegram.server import TelegramEmulator
from engine.loader.bundle import load_bundle
from plugins.generation.store import JobStore
from plugins.wallet.service import Wallet
from tests.conftest import PROJECT_ROOT
from tests.plugins.generation.conftest import model_of
from tests.support.paid_job import PRICE, START, USER, paid_job
from tests.support.process import start_bot_process


async def _bot(emulator: TelegramEmulator, sandbox: KieSandbox, dsn: str) -> asyncio.subprocess.Process:
    return await start_bot_process(
        emulator,
        dsn,
        KIE_API_KEY=sandbox.api_key,
        KIE_API_URL=sandbox.base_url,
        KIE_UPLOAD_URL=sandbox.upload_url,
        JOB_LEASE_SECONDS="2",
        KIE_SANDBOX="1",
    )  # its results are on 127.0.0.1


async def _until_done(pool: asyncpg.Pool, job_id: uuid.UUID, timeout: float = 30) -> None:
    """Until the job is delivered and no instance holds it any more."""

    async def done() -> bool:
        return bool(
            await pool.fetchval("SELECT delivered AND lease_until IS NULL FROM jobs WHERE id = $1", job_id)
        )

    async with asyncio.timeout(timeout):
        while not await done():
            await asyncio.sleep(0.05)


async def test_sigkill_mid_poll_then_restart_delivers_once(database_dsn: str) -> None:
    bundle = load_bundle(PROJECT_ROOT)
    model = model_of(bundle, "text-to-image")
    pool = await asyncpg.create_pool(database_dsn, min_size=1, max_size=4)
    async with TelegramEmulator() as emulator, KieSandbox(latency=Latency(generating=6.0)) as sandbox:
        try:
            wallet, store = Wallet(pool), JobStore(pool)
            job = await paid_job(pool, model)
            process = await _bot(emulator, sandbox, database_dsn)
            try:  # wait until it is polling a submitted task, then kill it without warning
                await emulator.wait_for(lambda: sandbox.count("recordInfo") >= 1, timeout=30)
            finally:
                process.send_signal(signal.SIGKILL)
                await process.wait()
            current = await store.get(job.id)
            assert current is not None and current.kie_task_id and not current.delivered

            process = await _bot(emulator, sandbox, database_dsn)
            try:  # until the step that delivered it has finished (its lease given back) …
                await _until_done(pool, job.id)
            finally:  # … then a graceful stop, which lets any step under way finish first
                process.send_signal(signal.SIGTERM)
                await process.wait()
            # no process is left that could send, pay or submit anything more
            photos = [m for m in emulator.bot_messages(USER) if m.media_kind == "photo"]
            assert len(photos) == 1
            assert sandbox.create_calls() == 1
            assert await wallet.balance(USER) == START - PRICE
            assert await pool.fetchval("SELECT state FROM holds WHERE job_id = $1", str(job.id)) == "captured"
        finally:
            await pool.close()
