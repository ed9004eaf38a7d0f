"""The length of a Matroska/WebM file, which mutagen does not read: the ``Duration`` of the
segment's ``Info``, in units of its ``TimecodeScale`` nanoseconds (EBML, RFC 8794/9559)."""

from __future__ import annotations

import struct

EBML = 0x1A45DFA3
SEGMENT = 0x18538067
INFO = 0x1549A966
TIMECODE_SCALE = 0x2AD7B1
DURATION = 0x4489
CLUSTER = 0x1F43B675  # media data: Info comes before it, so the search stops here
DEFAULT_SCALE = 1_000_000  # nanoseconds per timecode unit


def _vint(data: bytes, at: int, keep_marker: bool) -> tuple[int, int] | None:
    """(value, position after it) of an EBML variable-length integer."""
    if at >= len(data) or data[at] == 0:
        return None
    length = 8 - data[at].bit_length() + 1
    if at + length > len(data):
        return None
    value = int.from_bytes(data[at : at + length], "big")
    if not keep_marker:
        value &= (1 << (7 * length)) - 1
    return value, at + length


def _elements(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """(id, payload start, payload end) of the elements between ``start`` and ``end``."""
    found, at = [], start
    while at < end:
        ident, size = _vint(data, at, True), None
        if ident is not None:
            size = _vint(data, ident[1], False)
        if ident is None or size is None:
            break
        length = size[0]
        unknown = length == (1 << (7 * (size[1] - ident[1]))) - 1  # "size unknown": runs to the end
        payload_end = end if unknown else min(end, size[1] + length)
        found.append((ident[0], size[1], payload_end))
        if ident[0] == CLUSTER:
            break
        at = payload_end
    return found


def matroska_seconds(data: bytes) -> float | None:
    """The playing time, or None when the file does not state it."""
    top = _elements(data, 0, len(data))
    if not top or top[0][0] != EBML:
        return None
    for ident, start, end in top:
        if ident != SEGMENT:
            continue
        for child, child_start, child_end in _elements(data, start, end):
            if child == INFO:
                return _info_seconds(data, child_start, child_end)
    return None


def _info_seconds(data: bytes, start: int, end: int) -> float | None:
    scale, duration = DEFAULT_SCALE, None
    for ident, at, stop in _elements(data, start, end):
        payload = data[at:stop]
        if ident == TIMECODE_SCALE and payload:
            scale = int.from_bytes(payload, "big")
        elif ident == DURATION and len(payload) in (4, 8):
            duration = float(struct.unpack(">f" if len(payload) == 4 else ">d", payload)[0])
    if duration is None:
        return None
    return duration * scale / 1e9
