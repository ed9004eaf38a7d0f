"""A text result (Kie's ``resultObject``) as chat messages: lyrics variants with their titles,
timed lyrics as ``[m:ss] line`` lines, anything else as pretty JSON.

Provider text is escaped here; the messages are split at line ends to fit Telegram's 4096
characters. A result too long for a few messages goes as a .txt document instead.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MESSAGE_LIMIT = 4096  # Telegram's limit for one message's text, after entity parsing
MAX_MESSAGES = 3  # more than this reads better as a file


@dataclass(frozen=True)
class Section:
    """One part of a text result: a titled lyrics variant, the timed lines, or raw JSON."""

    title: str | None
    body: str
    pre: bool = False  # shown monospaced (JSON)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def clock(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def _is_tag(line: str) -> bool:
    """A section tag such as ``[Chorus]``: not sung, so it gets no time."""
    text = line.strip()
    return text.startswith("[") and text.endswith("]")


def timed_lines(words: list[Any]) -> str:
    """Suno's aligned words (``word`` may hold line breaks) as one line per sung line, each
    prefixed with the time its first word starts."""
    lines: list[tuple[float | None, str]] = []
    current, start = "", None
    for item in words:
        if not isinstance(item, Mapping):
            continue
        word, at = str(item.get("word") or ""), _seconds(item.get("startS", item.get("start_s")))
        pieces = word.split("\n")
        for i, piece in enumerate(pieces):
            if i > 0:
                lines.append((start, current))
                current, start = "", None
            if piece.strip() and start is None:
                start = at
            current += piece
    lines.append((start, current))
    shown = [
        text.strip() if at is None or _is_tag(text) else f"[{clock(at)}] {text.strip()}"
        for at, text in lines
        if text.strip()
    ]
    return "\n".join(shown)


def sections(result: Mapping[str, Any]) -> list[Section]:
    """What a result object says, in the order a reader wants it."""
    lyrics = result.get("lyricsData", result.get("data"))
    if isinstance(lyrics, list) and any(isinstance(i, Mapping) and _text(i.get("text")) for i in lyrics):
        return [
            Section(_text(i.get("title")) or None, _text(i.get("text")))
            for i in lyrics
            if isinstance(i, Mapping) and _text(i.get("text"))
        ]
    words = result.get("alignedWords", result.get("aligned_words"))
    if isinstance(words, list) and words:
        body = timed_lines(words)
        if body:
            return [Section(None, body)]
    return [Section(None, json.dumps(result, ensure_ascii=False, indent=2), pre=True)]


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _heading(number: int, title: str | None, count: int, variant: str) -> str:
    if count == 1 and not title:
        return ""
    name = f"{variant} {number}" if count > 1 else ""
    joined = ": ".join(p for p in (name, title or "") if p)
    return f"<b>{_escape(joined)}</b>"


def _hard_wrap(line: str, room: int) -> list[str]:
    """A line longer than a message, cut (at a space where one is near) into pieces that fit."""
    out = []
    while len(_escape(line)) > room:
        size = cut = 0
        for char in line:
            width = len(_escape(char))
            if size + width > room:
                break
            size, cut = size + width, cut + 1
        space = line.rfind(" ", 0, cut)
        cut = space if space > cut // 2 else max(cut, 1)
        out.append(line[:cut])
        line = line[cut:].lstrip(" ")
    out.append(line)
    return out


def _split(body: str, room: int) -> list[str]:
    """Plain text in pieces whose escaped form fits ``room``, cut at line ends where possible."""
    pieces, current = [], ""
    for line in body.split("\n"):
        for chunk in _hard_wrap(line, room):
            candidate = f"{current}\n{chunk}" if current else chunk
            if current and len(_escape(candidate)) > room:
                pieces.append(current)
                candidate = chunk
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def messages(header: str, parts: list[Section], variant: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """HTML messages: ``header`` (already HTML) first, then each section under its heading."""
    blocks = [header] if header else []
    for number, part in enumerate(parts, 1):
        heading = _heading(number, part.title, len(parts), variant)
        wrap = ("<pre>", "</pre>") if part.pre else ("", "")
        room = limit - len(heading) - 2 - len(wrap[0]) - len(wrap[1])
        for i, piece in enumerate(_split(part.body, room)):
            text = f"{wrap[0]}{_escape(piece)}{wrap[1]}"
            blocks.append(f"{heading}\n{text}" if heading and i == 0 else text)
    out: list[str] = []
    for block in blocks:
        if out and len(out[-1]) + 2 + len(block) <= limit:
            out[-1] = f"{out[-1]}\n\n{block}"
        else:
            out.append(block)
    return out


def plain_text(parts: list[Section], variant: str) -> str:
    """The whole result as a .txt file's text."""
    chunks = []
    for number, part in enumerate(parts, 1):
        title = ": ".join(p for p in (f"{variant} {number}" if len(parts) > 1 else "", part.title or "") if p)
        chunks.append(f"{title}\n\n{part.body}" if title else part.body)
    return "\n\n\n".join(chunks) + "\n"
