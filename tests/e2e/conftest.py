"""The bot with the Kie.ai sandbox behind it, polling fast, for conversations that generate."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from emulators.kie.sandbox import KieSandbox
from plugins.integrations.public_fetch import AddressPolicy
from tests.support.telegram import BotUnderTest, running_bot


@pytest.fixture
async def bot(pool: asyncpg.Pool) -> AsyncIterator[tuple[BotUnderTest, KieSandbox]]:
    async with (
        KieSandbox() as sandbox,
        running_bot(
            pool,
            kie_url=sandbox.base_url,
            kie_key=sandbox.api_key,
            kie_upload_url=sandbox.upload_url,
            fetch_policy=AddressPolicy.allowing(sandbox.base_url),
            runner_options={"idle_sleep": 0.05, "poll_delay": lambda elapsed: 0.1},
        ) as bot,
    ):
        yield bot, sandbox
