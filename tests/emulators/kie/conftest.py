"""Sandbox tests speak raw HTTP (no KieClient), to pin the wire shapes the client relies on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from emulators.kie import KieSandbox

KEY = "sandbox-test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture
async def sandbox() -> AsyncIterator[KieSandbox]:
    async with KieSandbox(KEY, callback_retry_delay=0.01) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession, method: str, url: str, *, auth: bool = True, **kwargs: Any
) -> tuple[int, Any]:
    """(HTTP status, parsed JSON body)."""
    headers = {**(AUTH if auth else {}), **kwargs.pop("headers", {})}
    async with http.request(method, url, headers=headers, **kwargs) as resp:
        return resp.status, await resp.json(content_type=None)
