"""Message entities: Telegram's HTML parse mode, commands in user text, and back to HTML.

The parser accepts Telegram's tag subset and fails with the wording of Telegram's errors, so a
template that would be rejected in production is rejected here too. Offsets and lengths are in
UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from .errors import ApiError, bad_request

Entity = dict[str, Any]

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_ALL_TAGS = {*_SIMPLE_TAGS, "a", "span", "blockquote", "tg-emoji"}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'", "nbsp": "\xa0"}
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_ATTR = re.compile(r"""\s*([A-Za-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")
_URL = re.compile(r"\bhttps?://[^\s<>\"]+")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_error(reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


@dataclass
class _Open:
    tag: str
    attrs: dict[str, str]
    start: int
    byte_offset: int


class PlainWriter:
    """The plain text a parse mode produces from marked-up source, with the position Telegram
    counts entity offsets in (UTF-16 units) and byte offsets of the source for its errors."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str] = []
        self.pos16 = 0

    def emit(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.pos16 += utf16_len(chunk)

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def text(self) -> str:
        return "".join(self.parts)


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Telegram's HTML parse mode: returns the plain text and its entities."""
    writer = PlainWriter(source)
    stack: list[_Open] = []
    entities: list[Entity] = []
    i = 0
    n = len(source)

    emit, byte_offset = writer.emit, writer.byte_offset
    while i < n:
        ch = source[i]
        if ch == "<":
            if source.startswith("</", i):
                close = source.find(">", i)
                name = source[i + 2 : close if close != -1 else n].strip().lower()
                if close == -1:
                    raise parse_error(f"Unclosed end tag at byte offset {byte_offset(i)}")
                if not stack:
                    raise parse_error(f"Unexpected end tag at byte offset {byte_offset(i)}")
                top = stack.pop()
                if name != top.tag:
                    raise parse_error(
                        f'Unmatched end tag at byte offset {byte_offset(i)}, expected "</{top.tag}>", '
                        f'found "</{name}>"'
                    )
                entity = _close_tag(top, writer.pos16, stack)
                if entity is not None:
                    entities.append(entity)
                i = close + 1
                continue
            match = _TAG_NAME.match(source, i + 1)
            name = match.group(0).lower() if match else ""
            if name not in _ALL_TAGS:
                raise parse_error(f'Unsupported start tag "{name}" at byte offset {byte_offset(i)}')
            j = i + 1 + len(name)
            attrs: dict[str, str] = {}
            while True:
                if j >= n:
                    raise parse_error(f"Unclosed start tag at byte offset {byte_offset(i)}")
                if source[j] == ">":
                    break
                if source.startswith("/>", j):
                    j += 1
                    break
                attr = _ATTR.match(source, j)
                if attr is None or attr.end() == j:
                    raise parse_error(f"Unclosed start tag at byte offset {byte_offset(i)}")
                value = next((g for g in attr.groups()[1:] if g is not None), "")
                attrs[attr.group(1).lower()] = html.unescape(value)
                j = attr.end()
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise parse_error(f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(i)}')
            if name == "tg-emoji" and not attrs.get("emoji-id"):
                raise parse_error(
                    f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {byte_offset(i)}'
                )
            stack.append(_Open(name, attrs, writer.pos16, byte_offset(i)))
            i = j + 1
        elif ch == "&":
            end = source.find(";", i, i + 12)
            if end != -1:
                ref = source[i + 1 : end]
                char = _decode_entity(ref)
                if char is not None:
                    emit(char)
                    i = end + 1
                    continue
            emit("&")
            i += 1
        else:
            j = i
            while j < n and source[j] not in "<&":
                j += 1
            emit(source[i:j])
            i = j
    if stack:
        raise parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return writer.text(), entities


def _decode_entity(ref: str) -> str | None:
    if ref.startswith("#"):
        try:
            code = int(ref[2:], 16) if ref[1:2] in ("x", "X") else int(ref[1:])
            return chr(code)
        except (ValueError, OverflowError):
            return None
    return _NAMED_ENTITIES.get(ref)


def _close_tag(tag: _Open, end16: int, stack: list[_Open]) -> Entity | None:
    length = end16 - tag.start
    if length <= 0:
        return None
    entity: Entity = {"offset": tag.start, "length": length}
    if tag.tag == "a":
        href = tag.attrs.get("href", "")
        if not href:
            return None
        entity.update(type="text_link", url=href)
    elif tag.tag == "span":
        entity["type"] = "spoiler"
    elif tag.tag == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in tag.attrs else "blockquote"
    elif tag.tag == "tg-emoji":
        entity.update(type="custom_emoji", custom_emoji_id=tag.attrs["emoji-id"])
    elif tag.tag == "code" and stack and stack[-1].tag == "pre":
        language = tag.attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1].attrs["language"] = language.removeprefix("language-")
            return None
        entity["type"] = "code"
    else:
        entity["type"] = _SIMPLE_TAGS[tag.tag]
        if tag.tag == "pre" and tag.attrs.get("language"):
            entity["language"] = tag.attrs["language"]
    return entity


def detect_entities(text: str) -> list[Entity]:
    """What Telegram's clients mark up in a user's plain text: commands and links."""
    entities: list[Entity] = []
    for kind, pattern in (("bot_command", _COMMAND), ("url", _URL)):
        for match in pattern.finditer(text):
            entities.append(
                {
                    "type": kind,
                    "offset": utf16_len(text[: match.start()]),
                    "length": utf16_len(match.group(0)),
                }
            )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return entities


_RENDER = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "spoiler": ('<span class="tg-spoiler">', "</span>"),
    "code": ("<code>", "</code>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ("<blockquote>", "</blockquote>"),
    "bot_command": ('<span class="tg-command">', "</span>"),
}


def _open_tag(entity: Entity, text: str) -> tuple[str, str]:
    kind = entity.get("type", "")
    if kind in ("text_link", "url"):
        url = entity.get("url") or text
        if not re.match(r"(?i)^(https?|tg|mailto):", url):
            return "", ""
        return f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">', "</a>"
    if kind == "pre":
        return "<pre><code>", "</code></pre>"
    return _RENDER.get(kind, ("", ""))


def render_html(text: str, entities: list[Entity] | None) -> str:
    """Safe HTML for the web chat: text escaped, entities turned into a few harmless tags."""
    if not entities:
        return html.escape(text, quote=False)
    # map UTF-16 offsets to indices into the Python string
    boundaries: dict[int, int] = {}
    pos16 = 0
    for index, char in enumerate(text):
        boundaries[pos16] = index
        pos16 += 2 if ord(char) > 0xFFFF else 1
    boundaries[pos16] = len(text)
    spans: list[tuple[int, int, Entity]] = []
    for entity in entities:
        start = boundaries.get(int(entity.get("offset", 0)))
        end = boundaries.get(int(entity.get("offset", 0)) + int(entity.get("length", 0)))
        if start is not None and end is not None and end > start:
            spans.append((start, end, entity))
    spans.sort(key=lambda s: (s[0], -s[1]))
    out: list[str] = []
    # open spans as (end, opener, closer); crossing spans are closed and re-opened so the
    # produced HTML stays well-formed
    open_stack: list[tuple[int, str, str]] = []
    cursor = 0
    points = sorted({p for s in spans for p in (s[0], s[1])} | {len(text)})
    span_index = 0
    for point in points:
        out.append(html.escape(text[cursor:point], quote=False))
        cursor = point
        reopen: list[tuple[int, str, str]] = []
        while any(end == point for end, _, _ in open_stack):
            item = open_stack.pop()
            out.append(item[2])
            if item[0] != point:
                reopen.append(item)
        for item in reversed(reopen):
            out.append(item[1])
            open_stack.append(item)
        while span_index < len(spans) and spans[span_index][0] == point:
            start, end, entity = spans[span_index]
            opener, closer = _open_tag(entity, text[start:end])
            out.append(opener)
            open_stack.append((end, opener, closer))
            span_index += 1
    while open_stack:
        out.append(open_stack.pop()[2])
    return "".join(out)
