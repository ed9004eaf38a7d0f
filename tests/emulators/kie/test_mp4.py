"""The sandbox's video is a real MP4: the bot's own media code sniffs it as video and measures
its true length, and its H.264 stream is well formed enough to walk (a browser plays it: see
tests/e2e/test_hot_reload.py for the page)."""

from __future__ import annotations

import hashlib
import struct

from emulators.kie.media import MediaKind, render
from emulators.kie.mp4 import FPS, HEIGHT, WIDTH, mp4_clip
from engine.files.content import ContentKind, sniff
from engine.files.length import seconds
from plugins.generation.media import ResultKind
from plugins.generation.media import sniff as sniff_result

SEED = hashlib.sha256(b"waves").digest()


def boxes(data: bytes) -> dict[bytes, bytes]:
    """Top-level ISO-BMFF boxes by type (each appears once in the clip)."""
    found, at = {}, 0
    while at < len(data):
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        found[kind] = data[at + 8 : at + size]
        at += size
    return found


def test_the_clip_is_video_for_the_bot_and_plays_its_real_length() -> None:
    clip = mp4_clip(SEED, seconds=2.0)
    assert sniff(clip) is not None and sniff(clip).kind is ContentKind.VIDEO
    assert sniff(clip).mime == "video/mp4"
    assert sniff_result(clip) == (ResultKind.VIDEO, "mp4")
    assert seconds(clip) == 2.0
    assert seconds(mp4_clip(SEED, seconds=1.0)) == 1.0
    assert len(clip) < 20_000  # tiny: a few KB


def test_the_container_holds_one_frame_per_sample_with_key_frames() -> None:
    clip = mp4_clip(SEED, seconds=2.0)
    top = boxes(clip)
    assert list(top) == [b"ftyp", b"moov", b"mdat"]
    moov = top[b"moov"]
    assert b"avc1" in moov and b"avcC" in moov
    assert struct.pack(">HH", WIDTH, HEIGHT) in moov
    # the mdat is a run of length-prefixed NAL units: one per frame, key frames first in a GOP
    mdat, at, kinds = top[b"mdat"], 0, []
    while at < len(mdat):
        (size,) = struct.unpack(">I", mdat[at : at + 4])
        kinds.append(mdat[at + 4] & 0x1F)
        at += 4 + size
    assert at == len(mdat)
    assert len(kinds) == 2 * FPS
    assert kinds[0] == 5 and kinds.count(5) == 4 and set(kinds) == {1, 5}
    # the chunk offset points at the first sample
    stco = moov[moov.index(b"stco") + 4 :]
    (offset,) = struct.unpack(">I", stco[8:12])
    assert clip[offset : offset + 4] == struct.pack(">I", int.from_bytes(mdat[:4], "big"))


def test_the_sandbox_renders_video_models_as_mp4() -> None:
    video = render(MediaKind.VIDEO, "kling\nwaves")
    assert (video.mime, video.extension) == ("video/mp4", "mp4")
    assert seconds(video.data) == 2.0
    assert video.data != render(MediaKind.VIDEO, "kling\nfox").data
