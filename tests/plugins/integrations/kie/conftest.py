"""Client tests run against the in-project sandbox on 127.0.0.1 (a fresh one per test)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from emulators.kie import KieSandbox
from plugins.integrations.kie import KieClient, KieTaskNotVisible, RetryPolicy, TaskRecord

API_KEY = "kie-test-key-7d41c0ffee9b2a"  # distinctive, so leak checks can search for it
ATTEMPTS = 3
FAST_RETRY = RetryPolicy(attempts=ATTEMPTS, base_delay=0)
FAST_TIMEOUT = aiohttp.ClientTimeout(total=5, connect=2, sock_read=0.5)


@pytest.fixture
async def sandbox() -> AsyncIterator[KieSandbox]:
    async with KieSandbox(API_KEY, callback_retry_delay=0.01) as running:
        yield running


@pytest.fixture
async def client(sandbox: KieSandbox) -> AsyncIterator[KieClient]:
    async with KieClient(
        API_KEY,
        sandbox.base_url,
        sandbox.upload_url,
        retry=FAST_RETRY,
        timeout=FAST_TIMEOUT,
        upload_timeout=FAST_TIMEOUT,
    ) as kie:
        yield kie


async def poll_until_done(client: KieClient, task_id: str, timeout: float = 5.0) -> TaskRecord:
    """What the job runner will do: poll, tolerate "not visible yet", stop at a final state."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            record = await client.record_info(task_id)
            if record.is_terminal:
                return record
        except KieTaskNotVisible:
            pass
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"task {task_id} did not finish in {timeout}s")
        await asyncio.sleep(0.01)
