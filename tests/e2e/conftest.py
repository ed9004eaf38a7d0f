"""The bot with the Kie.ai sandbox behind it, polling fast, for conversations that generate.

Every test runs in the delivery mode ``E2E_DELIVERY`` names (polling by default); the modules
in ``BOTH_MODES`` run in webhook mode too, so every run checks both without doubling its time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from app.assembly import RunnerOptions
from emulators.kie.sandbox import KieSandbox
from plugins.integrations.public_fetch import AddressPolicy
from tests.support.telegram import DELIVERY, BotUnderTest, running_bot

BOTH_MODES = frozenset({"test_navigation", "test_wallet", "test_generation"})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.module.__name__.rsplit(".", 1)[-1] in BOTH_MODES and "delivery" in metafunc.fixturenames:
        metafunc.parametrize("delivery", ["polling", "webhook"], indirect=True)


@pytest.fixture(autouse=True)
def delivery(request: pytest.FixtureRequest) -> Iterator[str]:
    """How updates reach the bot in this test (see tests/support/telegram.py)."""
    default = DELIVERY["mode"]
    DELIVERY["mode"] = getattr(request, "param", default)
    try:
        yield DELIVERY["mode"]
    finally:
        DELIVERY["mode"] = default


@pytest.fixture
def runner_options() -> RunnerOptions:
    """The job runner's pace: fast polls. A test parametrizes this name to set another."""
    return {"idle_sleep": 0.05, "poll_delay": lambda elapsed: 0.1}


@pytest.fixture
async def bot(
    pool: asyncpg.Pool, runner_options: RunnerOptions
) -> AsyncIterator[tuple[BotUnderTest, KieSandbox]]:
    async with (
        KieSandbox() as sandbox,
        running_bot(
            pool,
            kie_url=sandbox.base_url,
            kie_key=sandbox.api_key,
            kie_upload_url=sandbox.upload_url,
            fetch_policy=AddressPolicy.allowing(sandbox.base_url),
            runner_options=runner_options,
        ) as bot,
    ):
        yield bot, sandbox
