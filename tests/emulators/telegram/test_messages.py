"""Sending, editing and deleting messages through the real aiogram Bot, and Telegram's limits."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetMe
from aiogram.types import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup

from emulators.telegram import TelegramEmulator

ANNA = 1001


def keyboard(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[list(buttons)])


async def test_get_me_describes_the_bot(bot: Bot, emulator: TelegramEmulator) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.username == "kie_flow_bot"
    assert me.id == int(emulator.token.split(":")[0])


async def test_send_message_with_html_and_keyboard_lands_in_transcript(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    sent = await bot.send_message(
        ANNA,
        "<b>Hello</b> &amp; <i>welcome</i>",
        parse_mode="HTML",
        reply_markup=keyboard(InlineKeyboardButton(text="Go", callback_data="go")),
    )
    assert sent.text == "Hello & welcome"
    assert [(e.type, e.offset, e.length) for e in sent.entities or []] == [("bold", 0, 5), ("italic", 8, 7)]
    assert sent.chat.id == ANNA and sent.from_user is not None and sent.from_user.is_bot
    last = emulator.last_bot_message(ANNA)
    assert last is not None and last.message_id == sent.message_id
    assert last.html == "<b>Hello</b> &amp; <i>welcome</i>"
    assert last.buttons == [["Go"]]
    assert last.button("Go") == {"text": "Go", "callback_data": "go"}


async def test_edit_text_caption_and_markup(bot: Bot, emulator: TelegramEmulator) -> None:
    sent = await bot.send_message(
        ANNA, "one", reply_markup=keyboard(InlineKeyboardButton(text="A", callback_data="a"))
    )
    edited = await bot.edit_message_text("two", chat_id=ANNA, message_id=sent.message_id)
    assert isinstance(edited, type(sent)) and edited.text == "two" and edited.edit_date is not None
    # an edit without reply_markup removes the inline keyboard, as in Telegram
    assert emulator.last_bot_message(ANNA).buttons == []
    markup = keyboard(InlineKeyboardButton(text="B", callback_data="b"))
    await bot.edit_message_reply_markup(chat_id=ANNA, message_id=sent.message_id, reply_markup=markup)
    snapshot = emulator.last_bot_message(ANNA)
    assert snapshot.buttons == [["B"]] and snapshot.edited and snapshot.edit_count == 2


async def test_identical_edit_is_not_modified(bot: Bot) -> None:
    sent = await bot.send_message(ANNA, "same")
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("same", chat_id=ANNA, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=ANNA, message_id=sent.message_id)


async def test_edit_missing_or_foreign_message(bot: Bot, emulator: TelegramEmulator) -> None:
    with pytest.raises(TelegramBadRequest) as missing:
        await bot.edit_message_text("x", chat_id=ANNA, message_id=999)
    assert missing.value.message == "Bad Request: message to edit not found"
    user_message = await emulator.send_text(ANNA, "hi")
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("x", chat_id=ANNA, message_id=user_message.message_id)


async def test_caption_edit_of_a_text_message(bot: Bot) -> None:
    text_message = await bot.send_message(ANNA, "plain")
    with pytest.raises(TelegramBadRequest, match="there is no caption in the message to edit"):
        await bot.edit_message_caption(chat_id=ANNA, message_id=text_message.message_id, caption="c")


async def test_delete_message(bot: Bot, emulator: TelegramEmulator) -> None:
    sent = await bot.send_message(ANNA, "bye")
    assert await bot.delete_message(ANNA, sent.message_id) is True
    assert emulator.messages(ANNA) == []
    assert emulator.messages(ANNA, include_deleted=True)[0].deleted
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(ANNA, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("again", chat_id=ANNA, message_id=sent.message_id)


@pytest.mark.parametrize(
    ("data", "ok"),
    [("x", True), ("x" * 64, True), ("я" * 32, True), ("x" * 65, False), ("я" * 33, False), ("", False)],
)
async def test_callback_data_must_be_1_to_64_bytes(bot: Bot, data: str, ok: bool) -> None:
    markup = keyboard(InlineKeyboardButton(text="b", callback_data=data))
    if ok:
        await bot.send_message(ANNA, "t", reply_markup=markup)
        return
    with pytest.raises(TelegramBadRequest) as error:
        await bot.send_message(ANNA, "t", reply_markup=markup)
    assert error.value.message == "Bad Request: BUTTON_DATA_INVALID"


@pytest.mark.parametrize(
    ("text", "parse_mode", "ok"),
    [
        ("x" * 4096, None, True),
        ("x" * 4097, None, False),
        ("<b>" + "x" * 4096 + "</b>", "HTML", True),  # the limit applies after entity parsing
        ("&lt;" * 4096, "HTML", True),
        ("&lt;" * 4097, "HTML", False),
    ],
)
async def test_text_length_limit_after_parsing(bot: Bot, text: str, parse_mode: str | None, ok: bool) -> None:
    if ok:
        await bot.send_message(ANNA, text, parse_mode=parse_mode)
        return
    with pytest.raises(TelegramBadRequest) as error:
        await bot.send_message(ANNA, text, parse_mode=parse_mode)
    assert error.value.message == "Bad Request: message is too long"


async def test_empty_text_is_rejected(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(ANNA, "<b></b>", parse_mode="HTML")


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ],
)
async def test_invalid_html_cannot_be_parsed(bot: Bot, html: str, reason: str) -> None:
    with pytest.raises(TelegramBadRequest) as error:
        await bot.send_message(ANNA, html, parse_mode="HTML")
    assert error.value.message == f"Bad Request: can't parse entities: {reason}"


async def test_markdown_v2_reserved_character(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match=r"Character '\.' is reserved"):
        await bot.send_message(ANNA, "Price: 1.5", parse_mode="MarkdownV2")
    sent = await bot.send_message(ANNA, "*Price:* 1\\.5", parse_mode="MarkdownV2")
    assert sent.text == "Price: 1.5" and sent.entities and sent.entities[0].type == "bold"


async def test_unknown_chat_and_blocked_user(bot: Bot, emulator: TelegramEmulator) -> None:
    with pytest.raises(TelegramBadRequest) as error:
        await bot.send_message(424242, "hello?")
    assert error.value.message == "Bad Request: chat not found"
    await emulator.block_bot(ANNA)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(ANNA, "hello?")


async def test_answer_callback_query_rules(bot: Bot, emulator: TelegramEmulator) -> None:
    await bot.send_message(
        ANNA, "menu", reply_markup=keyboard(InlineKeyboardButton(text="Tap", callback_data="t"))
    )
    query_id = await emulator.press(ANNA, "Tap")
    with pytest.raises(TelegramBadRequest) as too_long:
        await bot.answer_callback_query(query_id, text="x" * 201)
    assert too_long.value.message == "Bad Request: MESSAGE_TOO_LONG"
    assert await bot.answer_callback_query(query_id, text="Done", show_alert=True)
    assert [(a.text, a.show_alert, a.data) for a in emulator.callback_answers(ANNA)] == [("Done", True, "t")]
    expected = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    for bad_id in (query_id, "123"):  # already answered, never existed
        with pytest.raises(TelegramBadRequest) as error:
            await bot.answer_callback_query(bad_id)
        assert error.value.message == expected


async def test_callback_query_expires(emulator: TelegramEmulator, bot: Bot) -> None:
    emulator.api.callback_ttl = 0.0
    await bot.send_message(
        ANNA, "menu", reply_markup=keyboard(InlineKeyboardButton(text="Tap", callback_data="t"))
    )
    query_id = await emulator.press(ANNA, "Tap")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)


async def test_commands_per_language(bot: Bot, emulator: TelegramEmulator) -> None:
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    await bot.set_my_commands([BotCommand(command="start", description="Начать")], language_code="ru")
    assert [c.description for c in await bot.get_my_commands()] == ["Start"]
    assert [c.description for c in await bot.get_my_commands(language_code="ru")] == ["Начать"]
    assert emulator.commands("ru") == [{"command": "start", "description": "Начать"}]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Name", description="x")])


async def test_chat_action_and_its_validation(bot: Bot, emulator: TelegramEmulator) -> None:
    assert await bot.send_chat_action(ANNA, "upload_video")
    assert emulator.state.chat_actions[ANNA][0] == "upload_video"
    with pytest.raises(TelegramBadRequest, match="wrong parameter action"):
        await bot.send_chat_action(ANNA, "dancing")


async def test_wrong_token_is_unauthorized(emulator: TelegramEmulator) -> None:
    async with aiohttp.ClientSession() as http, http.post(f"{emulator.base_url}/bot1:wrong/getMe") as resp:
        assert resp.status == 401
        assert await resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url))
    stranger = Bot("42:not-the-token", session=session)
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await stranger.get_me()
    finally:
        await session.close()


class GetTelepathy(GetMe):
    """A method Telegram does not have."""

    __api_method__ = "getTelepathy"


async def test_unknown_method_is_not_found(emulator: TelegramEmulator, bot: Bot) -> None:
    url = f"{emulator.api_url}/sendTelepathy"
    async with aiohttp.ClientSession() as http, http.post(url, json={"chat_id": ANNA}) as resp:
        assert resp.status == 404
        assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    with pytest.raises(TelegramNotFound):
        await bot(GetTelepathy())


async def test_json_and_form_encoded_requests_work_too(emulator: TelegramEmulator) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{emulator.api_url}/sendMessage", json={"chat_id": ANNA, "text": "json"}
        ) as resp:
            assert (await resp.json())["result"]["text"] == "json"
        async with http.post(
            f"{emulator.api_url}/sendMessage", data={"chat_id": "1001", "text": "form"}
        ) as resp:
            assert (await resp.json())["result"]["text"] == "form"
        async with http.get(
            f"{emulator.api_url}/sendMessage", params={"chat_id": "1001", "text": "query"}
        ) as resp:
            assert (await resp.json())["result"]["text"] == "query"
    assert [m.text for m in emulator.messages(ANNA)] == ["json", "form", "query"]


async def test_api_calls_are_recorded_with_decoded_params(bot: Bot, emulator: TelegramEmulator) -> None:
    await bot.send_message(
        ANNA, "hi", reply_markup=keyboard(InlineKeyboardButton(text="A", callback_data="a"))
    )
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(ANNA, "")
    calls = emulator.calls("sendMessage")
    assert [c.ok for c in calls] == [True, False]
    assert calls[0].params["reply_markup"] == {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    assert calls[1].error == "Bad Request: message text is empty"


async def test_injected_errors_reach_the_bot(bot: Bot, emulator: TelegramEmulator) -> None:
    from aiogram.exceptions import TelegramRetryAfter

    emulator.inject_error("sendMessage", "Too Many Requests: retry after 3", error_code=429, retry_after=3)
    with pytest.raises(TelegramRetryAfter) as error:
        await bot.send_message(ANNA, "flood")
    assert error.value.retry_after == 3
    assert (await bot.send_message(ANNA, "fine")).text == "fine"
