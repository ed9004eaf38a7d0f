"""What a ``/start`` payload says, validated before anything reads it.

Telegram allows deep-link payloads of 1–64 characters from ``[A-Za-z0-9_-]``; anything else
did not come from a real link (or was forged by hand) and is recorded as ``unknown``, never
stored or shown as it was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

SAFE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
UNKNOWN = "unknown"
REF_PREFIX = "ref_"
PROMO_PREFIX = "promo_"


@dataclass(frozen=True)
class Payload:
    kind: Literal["none", "ref", "promo", "source"]
    value: str = ""


def parse(raw: str) -> Payload:
    """``ref_<code>``, ``promo_<CODE>``, any other safe text as a source, else ``unknown``."""
    text = raw.strip()
    if not text:
        return Payload("none")
    if not SAFE.match(text):
        return Payload("source", UNKNOWN)
    if text.startswith(REF_PREFIX) and len(text) > len(REF_PREFIX):
        return Payload("ref", text[len(REF_PREFIX) :].lower())
    if text.startswith(PROMO_PREFIX) and len(text) > len(PROMO_PREFIX):
        return Payload("promo", text[len(PROMO_PREFIX) :].upper())
    return Payload("source", text)
