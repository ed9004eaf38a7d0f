"""The web chat's JSON endpoints, without a browser."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, LabeledPrice

from emulators.telegram import EmulatorError, TelegramEmulator
from emulators.telegram.actions import split_long_text
from emulators.telegram.entities import utf16_len

ANNA = 1001


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_page_and_assets_are_served_locally(
    emulator: TelegramEmulator, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{emulator.base_url}/") as resp:
        page = await resp.text()
    assert resp.status == 200 and 'data-testid="user-picker"' in page
    assert "http://" not in page and "https://" not in page  # no CDN
    for asset in ("/static/app.js", "/static/app.css"):
        async with http.get(emulator.base_url + asset) as resp:
            assert resp.status == 200 and "https://" not in await resp.text()


async def test_config_lists_users_and_admin(emulator: TelegramEmulator, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{emulator.base_url}/ui/config") as resp:
        config = await resp.json()
    assert config["bot"]["username"] == "kie_flow_bot"
    assert [(u["id"], u["is_admin"]) for u in config["users"]] == [(1001, False), (1002, False), (9001, True)]


async def test_text_press_and_long_poll(
    emulator: TelegramEmulator, bot: Bot, http: aiohttp.ClientSession
) -> None:
    base = f"{emulator.base_url}/ui/chat/{ANNA}"
    async with http.post(f"{base}/text", json={"text": "/start"}) as resp:
        assert resp.status == 200
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.text == "/start"
    async with http.get(base) as resp:
        view = await resp.json()
    seq = view["seq"]
    poll = asyncio.create_task(http.get(f"{base}?since={seq}&timeout=10"))
    await asyncio.sleep(0.1)
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="<Go>", callback_data="go")]])
    await bot.send_message(
        ANNA, "<b>Hi</b> &lt;script&gt;x&lt;/script&gt;", parse_mode="HTML", reply_markup=markup
    )
    async with await asyncio.wait_for(poll, 5) as resp:
        view = await resp.json()
    bot_view = view["messages"][-1]
    assert bot_view["from"] == "bot" and bot_view["html"] == "<b>Hi</b> &lt;script&gt;x&lt;/script&gt;"
    assert bot_view["buttons"] == [[{"text": "<Go>", "kind": "callback", "url": None}]]
    async with http.post(f"{base}/press", json={"message_id": bot_view["id"], "row": 0, "col": 0}) as resp:
        query_id = (await resp.json())["query_id"]
    updates = await bot.get_updates(offset=update.update_id + 1)
    assert updates[0].callback_query is not None and updates[0].callback_query.id == query_id
    await bot.answer_callback_query(query_id, text="Pressed!")
    async with http.get(f"{base}?since={view['seq']}") as resp:
        toasts = (await resp.json())["toasts"]
    assert [t["text"] for t in toasts] == ["Pressed!"]
    async with http.post(f"{base}/press", json={"message_id": bot_view["id"], "row": 3, "col": 0}) as resp:
        assert resp.status == 409


async def test_upload_and_file_serving(
    emulator: TelegramEmulator, bot: Bot, http: aiohttp.ClientSession
) -> None:
    form = aiohttp.FormData()
    form.add_field("file", b"GIF89a\x02\x00\x03\x00", filename="tiny.png", content_type="image/png")
    async with http.post(f"{emulator.base_url}/ui/chat/{ANNA}/upload", data=form) as resp:
        assert (await resp.json())["kind"] == "photo"
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.photo is not None
    async with http.get(f"{emulator.base_url}/ui/file/{update.message.photo[-1].file_id}") as resp:
        assert await resp.read() == b"GIF89a\x02\x00\x03\x00"


async def test_pay_from_the_page(emulator: TelegramEmulator, bot: Bot, http: aiohttp.ClientSession) -> None:
    invoice = await bot.send_invoice(
        ANNA,
        title="Stars",
        description="Top up",
        payload="x",
        currency="XTR",
        prices=[LabeledPrice(label="x", amount=5)],
    )
    paying = asyncio.create_task(
        http.post(f"{emulator.base_url}/ui/chat/{ANNA}/pay", json={"message_id": invoice.message_id})
    )
    [update] = await bot.get_updates(timeout=5)
    assert update.pre_checkout_query is not None
    await bot.answer_pre_checkout_query(update.pre_checkout_query.id, ok=True)
    async with await asyncio.wait_for(paying, 5) as resp:
        assert (await resp.json())["ok"] is True
    async with http.get(f"{emulator.base_url}/ui/chat/{ANNA}") as resp:
        messages = (await resp.json())["messages"]
    assert messages[0]["invoice"]["paid"] is True and messages[0]["invoice"]["amount"] == "5 Stars"
    assert messages[1]["service"] == "You paid 5 Stars"


async def test_unknown_user_is_404(emulator: TelegramEmulator, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{emulator.base_url}/ui/chat/42") as resp:
        assert resp.status == 404


async def test_a_text_longer_than_a_message_is_sent_as_several(
    emulator: TelegramEmulator, bot: Bot, http: aiohttp.ClientSession
) -> None:
    text = ("слово " * 1000).strip()  # 5,999 characters
    async with http.post(f"{emulator.base_url}/ui/chat/{ANNA}/text", json={"text": text}) as resp:
        assert resp.status == 200, await resp.text()
        sent = await resp.json()
    assert len(sent["message_ids"]) == 2
    updates = await bot.get_updates()
    parts = [u.message.text for u in updates if u.message is not None and u.message.text]
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert " ".join(p.strip() for p in parts) == text


async def test_the_test_api_refuses_what_no_client_can_send(emulator: TelegramEmulator) -> None:
    with pytest.raises(EmulatorError, match="4096"):
        await emulator.send_text(ANNA, "😀" * 3000)  # 6,000 UTF-16 units
    assert [len(p) for p in split_long_text("😀" * 3000)] == [2048, 952]
