"""The bot killed while createTask is under way: Kie.ai has made the task, its answer (the task
id) never arrived. After a restart the job is not submitted again; the task announces itself
on the job's callback URL and is adopted: one Kie.ai task, one result, paid once."""

from __future__ import annotations

import asyncio
import signal
import socket
import uuid

import asyncpg

from emulators.kie.faults import LostAnswer, TaskFault
from emulators.kie.sandbox import KieSandbox
from emulators.telegram.server import TelegramEmulator
from engine.loader.bundle import load_bundle
from plugins.generation.store import JobStore
from plugins.wallet.service import Wallet
from tests.conftest import PROJECT_ROOT
from tests.plugins.generation.conftest import model_of
from tests.support.paid_job import PRICE, START, USER, paid_job
from tests.support.process import start_bot_process
from tests.support.waiting import until


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _bot(
    emulator: TelegramEmulator, sandbox: KieSandbox, dsn: str, port: int
) -> asyncio.subprocess.Process:
    return await start_bot_process(
        emulator,
        dsn,
        KIE_API_KEY=sandbox.api_key,
        KIE_API_URL=sandbox.base_url,
        KIE_UPLOAD_URL=sandbox.upload_url,
        JOB_LEASE_SECONDS="2",
        HTTP_PORT=str(port),
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        KIE_CALLBACK_SECRET="crash-test-callback-secret",
        KIE_SANDBOX="1",
    )  # its results are on 127.0.0.1


async def _until(pool: asyncpg.Pool, query: str, job_id: uuid.UUID, timeout: float = 30) -> None:
    async with asyncio.timeout(timeout):
        while not await pool.fetchval(query, job_id):
            await asyncio.sleep(0.05)


async def test_sigkill_during_create_task_then_restart_orders_once(database_dsn: str) -> None:
    bundle = load_bundle(PROJECT_ROOT)
    model = model_of(bundle, "text-to-image")
    port = free_port()
    pool = await asyncpg.create_pool(database_dsn, min_size=1, max_size=4)
    async with TelegramEmulator() as emulator, KieSandbox() as sandbox:
        try:
            wallet, store = Wallet(pool), JobStore(pool)
            job = await paid_job(pool, model)
            # the task is made and keeps running (until the test ends it); its id never comes back
            sandbox.faults.reply("createTask", LostAnswer())
            sandbox.faults.task(TaskFault.stuck())
            process = await _bot(emulator, sandbox, database_dsn, port)
            try:  # Kie.ai has the task, the bot still waits for the answer: kill it now
                await until(lambda: len(sandbox.tasks) == 1, 30, "Kie.ai has the task")
            finally:
                process.send_signal(signal.SIGKILL)
                await process.wait()
            (task_id,) = sandbox.tasks
            current = await store.get(job.id)
            assert current is not None and current.kie_task_id is None

            process = await _bot(emulator, sandbox, database_dsn, port)
            try:
                # the new instance takes the job over (the dead one's lease ran out) and lets go
                # of it again: by then a blind resubmit would have happened
                await _until(pool, "SELECT lease_until IS NULL FROM jobs WHERE id = $1", job.id)
                assert sandbox.create_calls() == 1
                await sandbox.complete_task(task_id)
                await _until(pool, "SELECT delivered AND lease_until IS NULL FROM jobs WHERE id = $1", job.id)
            finally:
                process.send_signal(signal.SIGTERM)
                await process.wait()
            photos = [m for m in emulator.bot_messages(USER) if m.media_kind == "photo"]
            assert len(photos) == 1
            assert sandbox.create_calls() == 1 and len(sandbox.tasks) == 1
            assert all(c.status == 200 for c in sandbox.callbacks)
            done = await store.get(job.id)
            assert done is not None and done.kie_task_id == task_id
            assert await wallet.balance(USER) == START - PRICE
            assert await pool.fetchval("SELECT state FROM holds WHERE job_id = $1", str(job.id)) == "captured"
        finally:
            await pool.close()
