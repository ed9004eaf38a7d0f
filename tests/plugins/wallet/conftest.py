from __future__ import annotations

import asyncpg
import pytest

from plugins.wallet import Wallet


@pytest.fixture
async def wallet(pool: asyncpg.Pool) -> Wallet:
    return Wallet(pool)
