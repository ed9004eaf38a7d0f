"""Text length as Telegram counts it: in UTF-16 code units, not code points.

An emoji outside the Basic Multilingual Plane is one code point but two units, so 3,000 of
them are 6,000 units: too long for one message although ``len()`` says 3,000. Every limit a
text must keep to on its way to Telegram is checked with these helpers.
"""

from __future__ import annotations

MESSAGE_LIMIT = 4096  # units of a message's text, after entity parsing
CAPTION_LIMIT = 1024  # units of a media caption, after entity parsing
ANSWER_LIMIT = 200  # units of a callback query's answer (a toast)
ELLIPSIS = "…"


def units(char: str) -> int:
    """UTF-16 units of one code point."""
    return 2 if ord(char) > 0xFFFF else 1


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts it."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def head(text: str, limit: int) -> str:
    """The longest start of ``text`` at most ``limit`` units long (never half a code point)."""
    if len(text) * 2 <= limit or utf16_len(text) <= limit:
        return text
    used = 0
    for index, char in enumerate(text):
        used += units(char)
        if used > limit:
            return text[:index]
    return text


def shorten(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` units, else its start and "…" in ``limit`` units.

    For plain text: shorten a user's value *before* escaping it for HTML, so a cut never
    lands inside an entity such as ``&amp;``.
    """
    if utf16_len(text) <= limit:
        return text
    return head(text, limit - 1).rstrip() + ELLIPSIS
