"""The web chat's preview side panel and its reconnection: the page learns about reload
problems and reloads with the chat, and a page from before a restart is answered at once."""

from __future__ import annotations

import time

import aiohttp

from emulators.telegram.preview import Finding
from emulators.telegram.server import TelegramEmulator

ANNA = 1001


async def test_problems_and_reloads_reach_the_page_with_its_next_poll() -> None:
    async with TelegramEmulator() as emulator, aiohttp.ClientSession() as http:
        chat = f"{emulator.base_url}/ui/chat/{ANNA}"
        first = await (await http.get(f"{chat}?since=0")).json()
        assert first["preview"] == {"version": 0, "problems": [], "graph": False}
        emulator.preview.show_problems([Finding("LOAD001", "flows/x.yaml:3:1", "YAML syntax error")])
        after = await (await http.get(f"{chat}?since={first['seq']}&timeout=5")).json()
        assert after["preview"]["problems"] == [
            {"code": "LOAD001", "where": "flows/x.yaml:3:1", "message": "YAML syntax error"}
        ]
        emulator.preview.reloaded("<svg xmlns='http://www.w3.org/2000/svg'></svg>", "<ul></ul>")
        fixed = await (await http.get(f"{chat}?since={after['seq']}&timeout=5")).json()
        assert fixed["preview"] == {"version": 1, "problems": [], "graph": True}
        page = await (await http.get(f"{emulator.base_url}/ui/graph")).text()
        assert "<svg" in page and "version 1" in page


async def test_a_page_from_before_a_restart_is_answered_at_once() -> None:
    async with TelegramEmulator() as emulator, aiohttp.ClientSession() as http:
        chat = f"{emulator.base_url}/ui/chat/{ANNA}"
        now = await (await http.get(f"{chat}?since=0")).json()
        started = time.monotonic()
        # the old emulator's seq was far ahead; the page names the instance it knew
        stale = await (await http.get(f"{chat}?since=999&timeout=20&instance=gone")).json()
        assert time.monotonic() - started < 5
        assert stale["instance"] == now["instance"] != "gone"
        started = time.monotonic()
        await http.get(f"{chat}?since=999&timeout=20")  # no instance named: a seq ahead answers too
        assert time.monotonic() - started < 5
