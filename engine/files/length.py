"""How long a recording or a video plays, read from its bytes with mutagen.

Prices per second of the user's media rest on this, never on the ``duration`` a Telegram
client states. A file mutagen cannot read gives None and the caller refuses it.
"""

from __future__ import annotations

import io
import logging
import math

import mutagen

log = logging.getLogger(__name__)


def seconds(data: bytes) -> float | None:
    """The playing time in seconds, or None when the bytes do not say (unknown or broken
    format, no length in it, a length of zero or not a finite number)."""
    try:
        parsed = mutagen.File(io.BytesIO(data))
    except Exception as exc:  # parsing untrusted bytes: any failure means "cannot tell"
        log.info("media length unreadable: %s", type(exc).__name__)
        return None
    length = getattr(getattr(parsed, "info", None), "length", None) if parsed is not None else None
    if not isinstance(length, int | float) or not math.isfinite(length) or length <= 0:
        return None
    return float(length)
