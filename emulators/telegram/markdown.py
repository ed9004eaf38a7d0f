"""Telegram's MarkdownV2 and legacy Markdown parse modes, close enough to catch the usual
mistakes (an unescaped '.' or '-' in MarkdownV2, an unclosed '*') with Telegram's wording."""

from __future__ import annotations

from .entities import Entity, PlainWriter, parse_error

_RESERVED_V2 = set("_*[]()~`>#+-=|{}.!")
_V2_MARKERS = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}
_LEGACY_MARKERS = {"*": "bold", "_": "italic"}


def parse_markdown(source: str, *, v2: bool) -> tuple[str, list[Entity]]:
    markers = _V2_MARKERS if v2 else _LEGACY_MARKERS
    writer = PlainWriter(source)
    entities: list[Entity] = []
    stack: list[tuple[str, int, int]] = []  # marker, start offset (UTF-16), byte offset
    i = 0
    n = len(source)

    emit, byte_offset = writer.emit, writer.byte_offset

    def add(kind: str, start: int, **extra: str) -> None:
        if writer.pos16 > start:
            entities.append({"type": kind, "offset": start, "length": writer.pos16 - start, **extra})

    while i < n:
        ch = source[i]
        if ch == "\\" and i + 1 < n and (v2 or source[i + 1] in "_*`["):
            emit(source[i + 1])
            i += 2
            continue
        if source.startswith("```", i):
            end = source.find("```", i + 3)
            if end == -1:
                raise parse_error(f"Can't find end of the entity starting at byte offset {byte_offset(i)}")
            body = source[i + 3 : end]
            language = ""
            if "\n" in body and body.split("\n", 1)[0].strip() and " " not in body.split("\n", 1)[0]:
                language, body = body.split("\n", 1)
            start = writer.pos16
            emit(_unescape_code(body, v2))
            add("pre", start, **({"language": language} if language else {}))
            i = end + 3
            continue
        if ch == "`":
            end = source.find("`", i + 1)
            if end == -1:
                raise parse_error(f"Can't find end of the entity starting at byte offset {byte_offset(i)}")
            start = writer.pos16
            emit(_unescape_code(source[i + 1 : end], v2))
            add("code", start)
            i = end + 1
            continue
        if ch == "[":
            close = _find_link_end(source, i)
            if close is None:
                if v2:
                    raise parse_error(
                        f"Can't find end of the entity starting at byte offset {byte_offset(i)}"
                    )
                emit(ch)
                i += 1
                continue
            text_end, url_end = close
            label, _ = parse_markdown(source[i + 1 : text_end], v2=v2)
            url = source[text_end + 2 : url_end].replace("\\)", ")").replace("\\\\", "\\")
            start = writer.pos16
            emit(label)
            add("text_link", start, url=url)
            i = url_end + 1
            continue
        marker = next((m for m in ("__", "||") if v2 and source.startswith(m, i)), None)
        if marker is None and ch in markers:
            marker = ch
        if marker is not None:
            if stack and stack[-1][0] == marker:
                _, start, _ = stack.pop()
                add(markers[marker], start)
            elif any(m == marker for m, _, _ in stack):
                raise parse_error(f"Can't find end of the entity starting at byte offset {stack[-1][2]}")
            else:
                stack.append((marker, writer.pos16, byte_offset(i)))
            i += len(marker)
            continue
        if v2 and ch in _RESERVED_V2:
            raise parse_error(f"Character '{ch}' is reserved and must be escaped with the preceding '\\'")
        emit(ch)
        i += 1
    if stack:
        raise parse_error(f"Can't find end of the entity starting at byte offset {stack[-1][2]}")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return writer.text(), entities


def _unescape_code(body: str, v2: bool) -> str:
    if not v2:
        return body
    return body.replace("\\`", "`").replace("\\\\", "\\")


def _find_link_end(source: str, start: int) -> tuple[int, int] | None:
    """Positions of ']' and of the closing ')' of ``[text](url)`` starting at ``start``."""
    depth = 0
    i = start
    while i < len(source):
        if source[i] == "\\":
            i += 2
            continue
        if source[i] == "[":
            depth += 1
        elif source[i] == "]":
            depth -= 1
            if depth == 0:
                break
        i += 1
    else:
        return None
    if not source.startswith("(", i + 1):
        return None
    j = i + 2
    while j < len(source):
        if source[j] == "\\":
            j += 2
            continue
        if source[j] == ")":
            return i, j
        j += 1
    return None
