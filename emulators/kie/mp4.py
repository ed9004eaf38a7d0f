"""A real, playable MP4 clip written with the standard library only: the sandbox's video.

H.264 (Constrained Baseline) with every macroblock coded as ``I_PCM`` — raw samples, so no
encoder is needed — in an ISO-BMFF container browsers and Telegram clients play. Key frames
change colour every half second; the frames between them are P frames that skip every
macroblock (a few bytes each). A 2-second 48×48 clip is about 14 KB. Only the tiny subset of
the standard needed for that is written here; ``tests/emulators/kie/test_mp4.py`` checks it
against the project's own media code (sniffing, length).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

WIDTH, HEIGHT = 48, 48  # multiples of 16: whole macroblocks, no cropping
FPS = 8
TIMESCALE = 1000
_LOG2_MAX_FRAME_NUM = 4


class _Bits:
    """An RBSP bit writer with the Exp-Golomb codes of H.264 (7.2, 9.1)."""

    def __init__(self) -> None:
        self.bits: list[int] = []

    def u(self, count: int, value: int) -> None:
        self.bits += [(value >> (count - 1 - i)) & 1 for i in range(count)]

    def ue(self, value: int) -> None:
        code = value + 1
        self.u(code.bit_length() * 2 - 1, code)

    def se(self, value: int) -> None:
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def align_zero(self) -> None:
        while len(self.bits) % 8:
            self.bits.append(0)

    def raw(self, data: bytes) -> None:
        for byte in data:
            self.u(8, byte)

    def trailing(self) -> bytes:
        self.bits.append(1)
        self.align_zero()
        return bytes(int("".join(map(str, self.bits[i : i + 8])), 2) for i in range(0, len(self.bits), 8))


def _nal(ref_idc: int, kind: int, rbsp: bytes) -> bytes:
    """A NAL unit with emulation prevention (no 00 00 0x inside it)."""
    out = bytearray([(ref_idc << 5) | kind])
    zeros = 0
    for byte in rbsp:
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


def _sps() -> bytes:
    b = _Bits()
    b.u(8, 66)  # profile: Baseline
    b.u(8, 0b11000000)  # constraint_set0 and set1: Constrained Baseline
    b.u(8, 30)  # level 3.0
    b.ue(0)  # seq_parameter_set_id
    b.ue(_LOG2_MAX_FRAME_NUM - 4)
    b.ue(2)  # pic_order_cnt_type 2: output order is decoding order
    b.ue(1)  # max_num_ref_frames
    b.u(1, 0)  # gaps_in_frame_num_value_allowed_flag
    b.ue(WIDTH // 16 - 1)
    b.ue(HEIGHT // 16 - 1)
    b.u(1, 1)  # frame_mbs_only_flag
    b.u(1, 1)  # direct_8x8_inference_flag
    b.u(1, 0)  # frame_cropping_flag
    b.u(1, 0)  # vui_parameters_present_flag
    return _nal(3, 7, b.trailing())


def _pps() -> bytes:
    b = _Bits()
    b.ue(0)  # pic_parameter_set_id
    b.ue(0)  # seq_parameter_set_id
    b.u(1, 0)  # entropy_coding_mode_flag: CAVLC
    b.u(1, 0)  # bottom_field_pic_order_in_frame_present_flag
    b.ue(0)  # num_slice_groups_minus1
    b.ue(0)  # num_ref_idx_l0_default_active_minus1
    b.ue(0)  # num_ref_idx_l1_default_active_minus1
    b.u(1, 0)  # weighted_pred_flag
    b.u(2, 0)  # weighted_bipred_idc
    b.se(0)  # pic_init_qp_minus26
    b.se(0)  # pic_init_qs_minus26
    b.se(0)  # chroma_qp_index_offset
    b.u(1, 1)  # deblocking_filter_control_present_flag (the slices turn it off)
    b.u(1, 0)  # constrained_intra_pred_flag
    b.u(1, 0)  # redundant_pic_cnt_present_flag
    return _nal(3, 8, b.trailing())


def _idr(picture: int, colour: tuple[int, int, int], frame: int) -> bytes:
    """A key frame: every macroblock I_PCM, the luma a diagonal ramp, the chroma ``colour``."""
    b = _Bits()
    b.ue(0)  # first_mb_in_slice
    b.ue(7)  # slice_type: I (all slices)
    b.ue(0)  # pic_parameter_set_id
    b.u(_LOG2_MAX_FRAME_NUM, 0)  # frame_num
    b.ue(picture % 65536)  # idr_pic_id
    b.u(1, 0)  # no_output_of_prior_pics_flag
    b.u(1, 0)  # long_term_reference_flag
    b.se(0)  # slice_qp_delta
    b.ue(1)  # disable_deblocking_filter_idc
    luma, cb, cr = colour
    for mb_y in range(HEIGHT // 16):
        for mb_x in range(WIDTH // 16):
            b.ue(25)  # mb_type I_PCM
            b.align_zero()
            b.raw(
                bytes(
                    max(16, min(235, luma + ((mb_x * 16 + x + mb_y * 16 + y + frame * 6) % 96) - 48))
                    for y in range(16)
                    for x in range(16)
                )
            )
            b.raw(bytes([cb]) * 64 + bytes([cr]) * 64)
    return _nal(3, 5, b.trailing())


def _skipped(frame_num: int) -> bytes:
    """A P frame that repeats the previous one: all macroblocks skipped."""
    b = _Bits()
    b.ue(0)  # first_mb_in_slice
    b.ue(5)  # slice_type: P (all slices)
    b.ue(0)  # pic_parameter_set_id
    b.u(_LOG2_MAX_FRAME_NUM, frame_num % (1 << _LOG2_MAX_FRAME_NUM))
    b.u(1, 0)  # num_ref_idx_active_override_flag
    b.u(1, 0)  # ref_pic_list_modification_flag_l0
    b.u(1, 0)  # adaptive_ref_pic_marking_mode_flag
    b.se(0)  # slice_qp_delta
    b.ue(1)  # disable_deblocking_filter_idc
    b.ue((WIDTH // 16) * (HEIGHT // 16))  # mb_skip_run: the whole picture
    return _nal(2, 1, b.trailing())


def _colours(seed: bytes) -> Iterator[tuple[int, int, int]]:
    for i in range(0, len(seed) - 2, 3):
        yield 60 + seed[i] % 140, 40 + seed[i + 1] % 176, 40 + seed[i + 2] % 176


def _frames(seed: bytes, count: int, key_every: int) -> list[tuple[bytes, bool]]:
    colours = list(_colours(seed))
    frames: list[tuple[bytes, bool]] = []
    for n in range(count):
        if n % key_every == 0:
            frames.append((_idr(n // key_every, colours[(n // key_every) % len(colours)], n), True))
        else:
            frames.append((_skipped(n % key_every), False))
    return frames


def _box(kind: bytes, *parts: bytes) -> bytes:
    payload = b"".join(parts)
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _full(kind: bytes, version_flags: int, *parts: bytes) -> bytes:
    return _box(kind, struct.pack(">I", version_flags), *parts)


_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def mp4_clip(seed: bytes, seconds: float = 2.0) -> bytes:
    """A ``seconds``-long silent H.264 MP4 whose colours come from ``seed`` (32 bytes)."""
    count = max(1, round(seconds * FPS))
    frames = _frames(seed, count, key_every=FPS // 2)
    sps, pps = _sps(), _pps()
    samples = [struct.pack(">I", len(nal)) + nal for nal, _ in frames]
    delta = TIMESCALE // FPS
    duration = delta * count
    avcc = _box(
        b"avcC",
        bytes([1, sps[1], sps[2], sps[3], 0xFF, 0xE1]),
        struct.pack(">H", len(sps)),
        sps,
        b"\x01",
        struct.pack(">H", len(pps)),
        pps,
    )
    avc1 = _box(
        b"avc1",
        b"\x00" * 6 + struct.pack(">H", 1),  # reserved, data_reference_index
        b"\x00" * 16,  # pre_defined, reserved
        struct.pack(">HHIIIH", WIDTH, HEIGHT, 0x480000, 0x480000, 0, 1),
        b"\x00" * 32,  # compressorname
        struct.pack(">Hh", 0x18, -1),  # depth, pre_defined
        avcc,
    )
    ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2avc1mp41")
    mdat_header = 8
    first_offset = 0  # patched below, once moov's size is known

    def stbl(offset: int) -> bytes:
        keys = [i + 1 for i, (_, key) in enumerate(frames) if key]
        return _box(
            b"stbl",
            _full(b"stsd", 0, struct.pack(">I", 1), avc1),
            _full(b"stts", 0, struct.pack(">III", 1, count, delta)),
            _full(b"stss", 0, struct.pack(">I", len(keys)), *(struct.pack(">I", k) for k in keys)),
            _full(b"stsc", 0, struct.pack(">IIII", 1, 1, count, 1)),
            _full(b"stsz", 0, struct.pack(">II", 0, count), *(struct.pack(">I", len(s)) for s in samples)),
            _full(b"stco", 0, struct.pack(">II", 1, offset)),
        )

    def moov(offset: int) -> bytes:
        mvhd = _full(
            b"mvhd", 0, struct.pack(">IIII", 0, 0, TIMESCALE, duration), struct.pack(">IH", 0x10000, 0x100),
            b"\x00" * 10, _MATRIX, b"\x00" * 24, struct.pack(">I", 2),
        )  # fmt: skip
        tkhd = _full(
            b"tkhd", 3, struct.pack(">IIIII", 0, 0, 1, 0, duration), b"\x00" * 8,
            struct.pack(">hhHH", 0, 0, 0, 0), _MATRIX, struct.pack(">II", WIDTH << 16, HEIGHT << 16),
        )  # fmt: skip
        mdhd = _full(
            b"mdhd", 0, struct.pack(">IIII", 0, 0, TIMESCALE, duration), struct.pack(">HH", 0x55C4, 0)
        )
        hdlr = _full(b"hdlr", 0, struct.pack(">I", 0), b"vide", b"\x00" * 12, b"VideoHandler\x00")
        dinf = _box(b"dinf", _full(b"dref", 0, struct.pack(">I", 1), _full(b"url ", 1)))
        minf = _box(b"minf", _full(b"vmhd", 1, b"\x00" * 8), dinf, stbl(offset))
        return _box(b"moov", mvhd, _box(b"trak", tkhd, _box(b"mdia", mdhd, hdlr, minf)))

    first_offset = len(ftyp) + len(moov(0)) + mdat_header
    return ftyp + moov(first_offset) + _box(b"mdat", *samples)
