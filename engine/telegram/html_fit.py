"""Fit Telegram HTML into a length limit without breaking it.

Telegram applies its limits (4,096 units for a message, 1,024 for a caption) to the text left
after parsing the HTML, counted in UTF-16 units, and refuses a message whose HTML is broken.
A blind ``text[:4095]`` does both wrong: it counts markup and code points, and it can cut
inside ``<a href=…>`` or ``&amp;`` or leave ``<b>`` open. Here the visible text is counted,
the cut falls between tags, entities and code points only, an ellipsis marks it, and every
tag still open is closed.
"""

from __future__ import annotations

import html
import re

from engine.text_units import ELLIPSIS, head, utf16_len

#: a tag, one of the entities Telegram knows, or a run of plain text (a lone ``<`` or ``&`` is
#: plain text too: Telegram would refuse it, but it is never ours to cut in half)
_TOKEN = re.compile(r"(<[^<>]*>)|(&(?:#\d+|#[xX][0-9a-fA-F]+|lt|gt|amp|quot);)|([^<&]+|[<&])")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][\w-]*)")


def visible_len(text: str) -> int:
    """Units of what Telegram shows of this HTML (tags removed, entities as one character)."""
    total = 0
    for _tag, entity, plain in _TOKEN.findall(text):
        if entity:
            total += utf16_len(html.unescape(entity))
        elif plain:
            total += utf16_len(plain)
    return total


def fit_html(text: str, limit: int) -> str:
    """``text`` unchanged if Telegram would take it, else cut to ``limit`` visible units with
    "…" at the cut and the open tags closed."""
    if len(text) * 2 <= limit or visible_len(text) <= limit:
        return text
    budget = limit - utf16_len(ELLIPSIS)
    out: list[str] = []
    open_tags: list[tuple[str, int]] = []  # name, index in out of its opening tag
    used = 0
    for tag, entity, plain in _TOKEN.findall(text):
        if tag:
            name_match = _TAG_NAME.match(tag)
            if name_match is None:
                continue  # "<>" or "< 3": not markup Telegram accepts; leave it out
            name = name_match.group(1).lower()
            if tag.startswith("</"):
                while open_tags:
                    opened, _ = open_tags.pop()
                    if opened == name:
                        break
            elif not tag.endswith("/>"):
                open_tags.append((name, len(out)))
            out.append(tag)
            continue
        piece = entity or plain
        size = utf16_len(html.unescape(piece)) if entity else utf16_len(piece)
        if used + size <= budget:
            out.append(piece)
            used += size
            continue
        if plain and head(plain, budget - used):
            out.append(head(plain, budget - used))
        break
    # an element opened right at the cut would be empty ("<a href=…></a>"): leave it out
    while open_tags and open_tags[-1][1] == len(out) - 1:
        _, index = open_tags.pop()
        del out[index]
    body = "".join(out).rstrip()
    closing = "".join(f"</{name}>" for name, _ in reversed(open_tags))
    return body + ELLIPSIS + closing
