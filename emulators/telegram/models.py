"""Shapes of the JSON-typed Bot API parameters (reply markup, prices, commands, input media),
validated with pydantic and reported with Telegram's error texts."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import bad_request

MAX_CALLBACK_DATA = 64
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")


class InlineButton(BaseModel):
    model_config = ConfigDict(extra="allow")

    text: str
    callback_data: str | None = None
    url: str | None = None
    pay: bool | None = None

    def action_kind(self) -> str | None:
        if self.callback_data is not None:
            return "callback"
        if self.url is not None:
            return "url"
        if self.pay:
            return "pay"
        extra = self.model_extra or {}
        for kind in (
            "web_app",
            "login_url",
            "switch_inline_query",
            "switch_inline_query_current_chat",
            "switch_inline_query_chosen_chat",
            "copy_text",
            "callback_game",
        ):
            if kind in extra:
                return kind
        return None


def validate_reply_markup(raw: Any) -> dict[str, Any] | None:
    """Checks a reply_markup the way Telegram does and returns its normalised JSON form."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in raw:
        rows = raw["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request("can't parse inline keyboard markup JSON object")
        out_rows: list[list[dict[str, Any]]] = []
        for row in rows:
            out_row: list[dict[str, Any]] = []
            for item in row:
                try:
                    button = InlineButton.model_validate(item)
                except ValidationError:
                    raise bad_request(
                        'can\'t parse inline keyboard button: Field "text" must be of type String'
                    ) from None
                _check_inline_button(button)
                out_row.append(button.model_dump(exclude_none=True))
            if out_row:
                out_rows.append(out_row)
        return {"inline_keyboard": out_rows}
    if "keyboard" in raw:
        rows = raw["keyboard"]
        if not isinstance(rows, list):
            raise bad_request("can't parse reply keyboard markup JSON object")
        norm = [
            [{"text": b} if isinstance(b, str) else dict(b) for b in row if isinstance(b, str | dict)]
            for row in rows
            if isinstance(row, list)
        ]
        if any(not str(b.get("text", "")).strip() for row in norm for b in row):
            raise bad_request("can't parse keyboard button: Keyboard button text must be non-empty")
        return {**raw, "keyboard": norm}
    if raw.get("remove_keyboard") or raw.get("force_reply"):
        return dict(raw)
    raise bad_request("can't parse reply keyboard markup JSON object")


def _check_inline_button(button: InlineButton) -> None:
    if not button.text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    kind = button.action_kind()
    if kind is None:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if kind == "callback":
        size = len((button.callback_data or "").encode("utf-8"))
        if not 1 <= size <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
    if kind == "url" and not re.match(r"(?i)^(https?://[^\s/]+|tg://)\S*$", button.url or ""):
        raise bad_request(f"inline keyboard button URL '{button.url}' is invalid: Wrong HTTP URL")


class LabeledPrice(BaseModel):
    label: str
    amount: int


def validate_prices(raw: Any) -> list[LabeledPrice]:
    if not isinstance(raw, list):
        raise bad_request("can't parse prices JSON object")
    try:
        prices = [LabeledPrice.model_validate(item) for item in raw]
    except ValidationError:
        raise bad_request("can't parse prices JSON object") from None
    if not prices:
        raise bad_request("prices must be non-empty")
    return prices


class BotCommandModel(BaseModel):
    command: str
    description: str


def validate_commands(raw: Any) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        raise bad_request("can't parse commands JSON object")
    try:
        commands = [BotCommandModel.model_validate(item) for item in raw]
    except ValidationError:
        raise bad_request("can't parse BotCommand") from None
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    out = []
    for command in commands:
        name = command.command.removeprefix("/")
        if not _COMMAND_NAME.match(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(command.description) <= 256:
            raise bad_request("command description must be non-empty")
        out.append({"command": name, "description": command.description})
    return out


class InputMediaModel(BaseModel):
    """One element of sendMediaGroup's ``media`` or editMessageMedia's ``media``."""

    model_config = ConfigDict(extra="allow")

    type: Literal["photo", "video", "audio", "document", "animation"]
    media: str = Field(min_length=1)
    caption: str | None = None
    parse_mode: str | None = None
    caption_entities: list[dict[str, Any]] | None = None
    duration: int | None = None
    width: int | None = None
    height: int | None = None
    title: str | None = None
    performer: str | None = None


def validate_input_media(raw: Any) -> InputMediaModel:
    try:
        return InputMediaModel.model_validate(raw)
    except ValidationError:
        raise bad_request("can't parse InputMedia JSON object") from None
