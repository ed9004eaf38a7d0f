"""``python -m emulators.kie`` starts a working sandbox and stops on SIGTERM."""

from __future__ import annotations

import asyncio
import re
import sys

import aiohttp


async def test_standalone_process() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "emulators.kie",
        "--port",
        "0",
        "--api-key",
        "cli-key",
        "--latency",
        "0",
        "--credits",
        "7",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert match, line
        async with (
            aiohttp.ClientSession() as http,
            http.get(
                f"{match.group(0)}/api/v1/chat/credit", headers={"Authorization": "Bearer cli-key"}
            ) as resp,
        ):
            assert await resp.json() == {"code": 200, "msg": "success", "data": 7}
    finally:
        if proc.returncode is None:
            proc.terminate()
        assert await asyncio.wait_for(proc.wait(), 20) == 0
