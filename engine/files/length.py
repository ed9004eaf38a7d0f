"""How long a recording or a video plays, read from its bytes with mutagen.

Prices per second of the user's media rest on this, never on the ``duration`` a Telegram
client states. Matroska/WebM, which mutagen does not read, is read by ``matroska``. A file
whose length cannot be read gives None and the caller refuses it.
"""

from __future__ import annotations

import io
import logging
import math

from engine.files.matroska import matroska_seconds

log = logging.getLogger(__name__)


def seconds(data: bytes) -> float | None:
    """The playing time in seconds, or None when the bytes do not say (unknown or broken
    format, no length in it, a length of zero or not a finite number)."""
    if data[:4] == b"\x1aE\xdf\xa3":
        return _usable(_matroska(data))
    import mutagen  # only when a user sends media: a start has no need of it

    try:
        parsed = mutagen.File(io.BytesIO(data))
    except Exception as exc:  # parsing untrusted bytes: any failure means "cannot tell"
        log.info("media length unreadable: %s", type(exc).__name__)
        return None
    return _usable(getattr(getattr(parsed, "info", None), "length", None) if parsed is not None else None)


def _matroska(data: bytes) -> float | None:
    try:
        return matroska_seconds(data)
    except Exception as exc:  # untrusted bytes: any failure means "cannot tell"
        log.info("matroska length unreadable: %s", type(exc).__name__)
        return None


def _usable(length: object) -> float | None:
    if isinstance(length, bool) or not isinstance(length, int | float):
        return None
    if not math.isfinite(length) or length <= 0:
        return None
    return float(length)
