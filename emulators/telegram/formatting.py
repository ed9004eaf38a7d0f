"""Turning a text/caption parameter into (plain text, entities) and enforcing Telegram's
length limits on the result — the limits apply after entity parsing, as in Telegram."""

from __future__ import annotations

from typing import Any

from .entities import Entity, parse_html, utf16_len
from .errors import bad_request
from .markdown import parse_markdown
from .params import Params

MAX_TEXT = 4096
MAX_CAPTION = 1024


def apply_parse_mode(text: str, parse_mode: str | None, entities: Any = None) -> tuple[str, list[Entity]]:
    mode = (parse_mode or "").strip().lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown(text, v2=True)
    if mode == "markdown":
        return parse_markdown(text, v2=False)
    if mode:
        raise bad_request("unsupported parse_mode")
    if entities is None:
        return text, []
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise bad_request("can't parse entities JSON object")
    return text, [dict(e) for e in entities]


def message_text(params: Params) -> tuple[str, list[Entity]]:
    """``text`` + ``parse_mode``/``entities`` of sendMessage and editMessageText, checked."""
    raw = params.get_str("text") or ""
    text, entities = apply_parse_mode(raw, params.get_str("parse_mode"), params.get_json("entities"))
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return text, entities


def caption_text(
    raw: str | None, parse_mode: str | None, entities: Any = None
) -> tuple[str | None, list[Entity]]:
    """A media caption (optional, at most 1024 characters after parsing)."""
    if raw is None or raw == "":
        return None, []
    text, parsed = apply_parse_mode(raw, parse_mode, entities)
    if utf16_len(text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return (text or None), parsed


def params_caption(params: Params) -> tuple[str | None, list[Entity]]:
    return caption_text(
        params.get_str("caption"), params.get_str("parse_mode"), params.get_json("caption_entities")
    )
