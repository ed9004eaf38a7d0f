"""Price rules read from the reference's free-text price conditions, as cases of credits.

``Model.build_price`` checks each case's credits against the price rows of the reference or the
verified overlay (or a rule's ``extra_credits``), so a rule cannot charge an invented figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: reference price source prefix → how a YAML reader should see it
PRICE_SOURCES = {
    "HEN": "Kie pricing table 2026-06-30",
    "GM": "Kie pricing snapshot 2026-10-07",
    "SEED": "Kie pricing table 2025-12-21 (seed project)",
    "MISC": "client code citing Kie pricing, Sep 2026",
}
JAN_2026 = (
    "Kie price dump 2026-01-15 (shared/reference/seed_price_list_2026-01-15.txt, "
    "RUB / 157.14); kie_models.json has no price for this model"
)
_TOP = "the reference gives only a range; the top of it is charged"
_NO_VIDEO_RATE = "the 'no video input' rates (video references are not offered)"


def C(
    credits: float, per: str | list[str] | None = None, unit: int | None = None, **when: Any
) -> dict[str, Any]:
    """One price case: ``credits`` per unit of ``per`` when every ``when`` field matches."""
    case: dict[str, Any] = {}
    if when:
        case["when"] = dict(when)
    case["credits"] = credits
    if per:
        case["per"] = per
    if unit:
        case["unit"] = unit
    return case


def by(field: str, table: Mapping[Any, float], per: str | None = None) -> list[dict[str, Any]]:
    return [C(v, per=per, **{field: k}) for k, v in table.items()]


def grid(
    first: str, second: str, table: Mapping[tuple[Any, Any], float], per: str | None = None
) -> list[dict[str, Any]]:
    return [C(v, per=per, **{first: a, second: b}) for (a, b), v in table.items()]


def P(
    cases: list[dict[str, Any]],
    note: str | None = None,
    source: str | None = None,
    extra: Iterable[float] = (),
) -> dict[str, Any]:
    return {"cases": cases, "note": note, "source": source, "extra_credits": list(extra)}


_IDEO_CHAR = {"TURBO": 12, "BALANCED": 18, "QUALITY": 24}
_IDEO_V3 = {"TURBO": 3.5, "BALANCED": 7, "QUALITY": 10}
_SEEDANCE_LITE = {
    ("5", "480p"): 10,
    ("5", "720p"): 22.5,
    ("5", "1080p"): 50,
    ("10", "480p"): 20,
    ("10", "720p"): 45,
    ("10", "1080p"): 100,
}
_SEEDANCE_PRO = {
    ("5", "480p"): 14,
    ("5", "720p"): 30,
    ("5", "1080p"): 70,
    ("10", "480p"): 28,
    ("10", "720p"): 60,
    ("10", "1080p"): 140,
}
_WAN_26 = {
    ("5", "720p"): 70,
    ("10", "720p"): 140,
    ("15", "720p"): 210,
    ("5", "1080p"): 104.5,
    ("10", "1080p"): 209.5,
    ("15", "1080p"): 315,
}
_WAN_25 = {("5", "720p"): 60, ("10", "720p"): 120, ("5", "1080p"): 100, ("10", "1080p"): 200}
_KLING_26 = {("5", False): 55, ("5", True): 110, ("10", False): 110, ("10", True): 220}
_SORA_PRO = {("standard", "10"): 150, ("standard", "15"): 270, ("high", "10"): 330, ("high", "15"): 630}
_KLING_OMNI = P(
    [C(27, per="duration", audio=True), C(18, per="duration", audio=False)],
    note="the reference prices 1080p only; 720p is charged the same (upper bound)",
)
_MEGAPIXEL = (
    "billed per megapixel of output: square_hd (1024x1024, 1.05 MP) counts as 2 MP, "
    "every other preset is under 1 MP and counts as 1 (rounded up)"
)

PRICES: dict[str, dict[str, Any]] = {
    # audio
    "elevenlabs/audio-isolation": P([C(0.2, per="audio_url")]),
    "elevenlabs/text-to-speech-multilingual-v2": P([C(12, per="text", unit=1000)]),
    "elevenlabs/text-to-speech-turbo-2-5": P([C(6, per="text", unit=1000)]),
    "elevenlabs/text-to-dialogue-v3": P(
        [C(14, per="dialogue.text", unit=1000)],
        note="per 1000 characters: the characters of all the dialogue's lines together",
    ),
    # avatar / lip-sync
    "infinitalk/from-audio": P(by("resolution", {"480p": 3, "720p": 12}, per="audio_url")),
    "kling/ai-avatar-pro": P([C(16, per="audio_url")]),
    "kling/ai-avatar-standard": P([C(8, per="audio_url")]),
    "kling/ai-avatar-v1-pro": P([C(16, per="audio_url")]),
    "kling/v1-avatar-standard": P([C(8, per="audio_url")]),
    "omnihuman-1-5": P([C(27, per="audio_url")]),
    "volcengine/video-to-video-lip-sync": P(
        [C(8, per=["video_url", "audio_url"])],
        note="per second of the longer of the video and the audio (the output follows one of "
        "them; which one is not stated)",
    ),
    "wan/2-2-a14b-speech-to-video-turbo": P(
        by("resolution", {"480p": 60, "580p": 90, "720p": 120}),
        note="12/18/24 credits per second x 5 s (80 frames at 16 fps, Kie's defaults)",
        extra=(60, 90, 120),
    ),
    # image edit
    "bytedance/seedream-v4-edit": P(
        [C(5, per="max_images")],
        source=JAN_2026,
        extra=(5,),
        note="per image, charged for max_images; the seed catalog's 6.5 contradicts the dump",
    ),
    "flux-2/flex-image-to-image": P(by("resolution", {"1K": 14, "2K": 24})),
    "flux-2/pro-image-to-image": P(by("resolution", {"1K": 5, "2K": 7})),
    "google/nano-banana-edit": P([C(4)]),
    "gpt-image-2-image-to-image": P(by("resolution", {"1K": 6, "2K": 10, "4K": 16})),
    "gpt-image/1.5-image-to-image": P(by("quality", {"medium": 4, "high": 22})),
    "grok-imagine/image-to-image": P([C(4)]),
    "ideogram/character": P(by("rendering_speed", _IDEO_CHAR, per="num_images")),
    "ideogram/character-edit": P(by("rendering_speed", _IDEO_CHAR, per="num_images")),
    "ideogram/character-remix": P(by("rendering_speed", _IDEO_CHAR, per="num_images")),
    "ideogram/v3-edit": P(by("rendering_speed", _IDEO_V3)),
    "ideogram/v3-reframe": P(by("rendering_speed", _IDEO_V3, per="num_images")),
    "ideogram/v3-remix": P(by("rendering_speed", _IDEO_V3, per="num_images")),
    "qwen/image-edit": P(
        [C(12, per="num_images", image_size="square_hd"), C(6, per="num_images")],
        note=_MEGAPIXEL,
        extra=(12,),
    ),
    "qwen2/image-edit": P([C(5.6)]),
    "recraft/remove-background": P([C(1)]),
    "seedream/4.5-edit": P([C(6.5)]),
    "seedream/5-lite-image-to-image": P([C(5.5)]),
    "seedream/5-pro-image-to-image": P(
        by("quality", {"basic": 7, "high": 14}), note="basic = 1K, high = 2K (the field's description)"
    ),
    # image to video
    "bytedance/v1-lite-image-to-video": P(grid("duration", "resolution", _SEEDANCE_LITE)),
    "bytedance/v1-pro-fast-image-to-video": P(
        grid(
            "duration",
            "resolution",
            {("5", "720p"): 16, ("10", "720p"): 36, ("5", "1080p"): 36, ("10", "1080p"): 72},
        )
    ),
    "bytedance/v1-pro-image-to-video": P(grid("duration", "resolution", _SEEDANCE_PRO)),
    "grok-imagine-video-1-5-preview": P(
        by("resolution", {"480p": 1.6, "720p": 4.5}, per="duration"),
        note="720p at the Oct-2026 rate (4.5; the Jun-2026 table said 3)",
    ),
    "grok-imagine/image-to-video": P(by("resolution", {"480p": 1.6, "720p": 3}, per="duration")),
    "hailuo/02-image-to-video-pro": P([C(57)], note="6 s 1080p, the only output"),
    "hailuo/02-image-to-video-standard": P(
        grid(
            "duration",
            "resolution",
            {("6", "512P"): 12, ("10", "512P"): 20, ("10", "768P"): 50, ("6", "768P"): 50},
        ),
        note="6 s at 768P has no price in the reference; the 10 s price is charged (upper bound)",
    ),
    "hailuo/2-3-image-to-video-pro": P(
        [
            C(45, duration="6", resolution="768P"),
            C(90, duration="10", resolution="768P"),
            C(80, resolution="1080P"),
        ]
    ),
    "hailuo/2-3-image-to-video-standard": P(
        [
            C(30, duration="6", resolution="768P"),
            C(50, duration="10", resolution="768P"),
            C(50, resolution="1080P"),
        ]
    ),
    "happyhorse-1-1/image-to-video": P(by("resolution", {"1080p": 29, "720p": 22.5}, per="duration")),
    "happyhorse-1-1/reference-to-video": P(by("resolution", {"1080p": 29, "720p": 22.5}, per="duration")),
    "happyhorse/image-to-video": P(by("resolution", {"1080p": 48, "720p": 28}, per="duration")),
    "happyhorse/reference-to-video": P(by("resolution", {"1080p": 48, "720p": 28}, per="duration")),
    "kling-2.6/image-to-video": P(grid("duration", "sound", _KLING_26)),
    "kling-3.0-omni/image-to-video": _KLING_OMNI,
    "kling-3.0-omni/reference-to-video": _KLING_OMNI,
    "kling/v2-1-master-image-to-video": P(by("duration", {"5": 160, "10": 320})),
    "kling/v2-1-pro": P(by("duration", {"5": 50, "10": 100})),
    "kling/v2-1-standard": P(by("duration", {"5": 25, "10": 50})),
    "kling/v2-5-turbo-image-to-video-pro": P(by("duration", {"5": 42, "10": 84})),
    "kling/v3-turbo-image-to-video": P(by("resolution", {"1080p": 22.5, "720p": 18}, per="duration")),
    "minimax-h3/image-to-video": P(by("resolution", {"768P": 8, "2K": 13}, per="duration")),
    "minimax-h3/reference-to-video": P(by("resolution", {"768P": 8, "2K": 13}, per="duration")),
    "sora-2-image-to-video": P(
        by("n_frames", {"10": 20, "15": 25}), note="the reference assumes the text-to-video prices"
    ),
    "sora-2-pro-image-to-video": P(grid("size", "n_frames", _SORA_PRO)),
    "wan/2-2-a14b-image-to-video-turbo": P(by("resolution", {"480p": 40, "720p": 80}), note="5 s clips"),
    "wan/2-5-image-to-video": P(grid("duration", "resolution", _WAN_25)),
    "wan/2-6-image-to-video": P(grid("duration", "resolution", _WAN_26)),
    "wan/2-7-image-to-video": P(by("resolution", {"1080p": 24, "720p": 16}, per="duration")),
    "wan/2-7-r2v": P(by("resolution", {"1080p": 24, "720p": 16}, per="duration")),
    # text to image
    "bytedance/seedream": P([C(3.5)], source=JAN_2026, extra=(3.5,)),
    "bytedance/seedream-v4-text-to-image": P(
        [C(5, per="max_images")], source=JAN_2026, extra=(5,), note="per image, charged for max_images"
    ),
    "flux-2/flex-text-to-image": P(by("resolution", {"1K": 14, "2K": 24})),
    "flux-2/pro-text-to-image": P(by("resolution", {"1K": 5, "2K": 7})),
    "google/imagen4": P([C(8)]),
    "google/imagen4-fast": P([C(4)]),
    "google/imagen4-ultra": P([C(12)]),
    "google/nano-banana": P([C(4)]),
    "gpt-image-2-text-to-image": P(by("resolution", {"1K": 6, "2K": 10, "4K": 16})),
    "gpt-image/1.5-text-to-image": P(by("quality", {"medium": 4, "high": 22})),
    "grok-imagine-image-2-0/text-to-image": P([C(4)]),
    "grok-imagine/text-to-image": P(
        by("enable_pro", {False: 4, True: 5}), note="standard = 6 images per request, Pro = 4 images"
    ),
    "ideogram/v3-text-to-image": P(by("rendering_speed", _IDEO_V3)),
    "nano-banana-2": P(by("resolution", {"1K": 8, "2K": 12, "4K": 18})),
    "nano-banana-pro": P(by("resolution", {"1K": 18, "2K": 18, "4K": 24})),
    "qwen/text-to-image": P([C(8, image_size="square_hd"), C(4)], note=_MEGAPIXEL, extra=(8,)),
    "qwen2/text-to-image": P([C(5.6)]),
    "qwen3/pro-text-to-image": P([C(12)], note=_TOP),
    "seedream/4.5-text-to-image": P([C(6.5)]),
    "seedream/5-lite-text-to-image": P([C(5.5)]),
    "seedream/5-flash-text-to-image": P([C(3.24)]),
    "seedream/5-flash-image-to-image": P([C(3.24)]),
    "seedream/5-pro-text-to-image": P(
        by("quality", {"basic": 7, "high": 14}), note="basic = 1K, high = 2K (the field's description)"
    ),
    "wan/2-7-image": P([C(4.8, per="n")]),
    "wan/2-7-image-pro": P([C(12, per="n")]),
    "z-image": P([C(0.8)]),
    # text to video
    "bytedance/seedance-1.5-pro": P(
        grid(
            "resolution",
            "generate_audio",
            {
                ("480p", False): 1.75,
                ("480p", True): 3.5,
                ("720p", False): 3.5,
                ("720p", True): 7,
                ("1080p", False): 7.5,
                ("1080p", True): 15,
            },
            per="duration",
        )
    ),
    "bytedance/seedance-2": P(
        by("resolution", {"480p": 19, "720p": 41, "1080p": 102, "4k": 208}, per="duration"),
        note=_NO_VIDEO_RATE,
    ),
    "bytedance/seedance-2-5": P(
        by("resolution", {"480p": 28, "720p": 63, "1080p": 158}, per="duration"), note=_NO_VIDEO_RATE
    ),
    "bytedance/seedance-2-fast": P(
        by("resolution", {"480p": 15.5, "720p": 33}, per="duration"), note=_NO_VIDEO_RATE
    ),
    "bytedance/seedance-2-mini": P(
        by("resolution", {"480p": 9.5, "720p": 20.5}, per="duration"), note=_NO_VIDEO_RATE
    ),
    "bytedance/v1-lite-text-to-video": P(grid("duration", "resolution", _SEEDANCE_LITE)),
    "bytedance/v1-pro-text-to-video": P(grid("duration", "resolution", _SEEDANCE_PRO)),
    "gemini-omni-video": P(
        [
            *(
                C(c, duration=d, resolution=["720p", "1080p"])
                for d, c in (("4", 90), ("6", 120), ("8", 150), ("10", 180))
            ),
            *(
                C(c, duration=d, resolution="4k")
                for d, c in (("4", 210), ("6", 240), ("8", 270), ("10", 300))
            ),
        ],
        note="the Jun-2026 table (no video input); a client's lower 720p figures are not used",
    ),
    "grok-imagine/text-to-video": P(by("resolution", {"480p": 1.6, "720p": 3}, per="duration")),
    "hailuo/02-text-to-video-pro": P([C(57)], note="6 s 1080p, the only output"),
    "hailuo/02-text-to-video-standard": P(by("duration", {"6": 30, "10": 50})),
    "happyhorse-1-1/text-to-video": P(by("resolution", {"1080p": 29, "720p": 22.5}, per="duration")),
    "happyhorse/text-to-video": P(by("resolution", {"1080p": 48, "720p": 28}, per="duration")),
    "kling-2.6/text-to-video": P(grid("duration", "sound", _KLING_26)),
    "kling-3.0-omni/text-to-video": _KLING_OMNI,
    "kling/v2-1-master-text-to-video": P(by("duration", {"5": 160, "10": 320})),
    "kling/v2-5-turbo-text-to-video-pro": P(by("duration", {"5": 42, "10": 84})),
    "kling/v3-turbo-text-to-video": P(by("resolution", {"1080p": 22.5, "720p": 18}, per="duration")),
    "minimax-h3/text-to-video": P(by("resolution", {"768P": 8, "2K": 13}, per="duration")),
    "sora-2-pro-text-to-video": P(grid("size", "n_frames", _SORA_PRO)),
    "sora-2-pro-storyboard": P(by("n_frames", {"10": 150, "15": 270, "25": 270})),
    "kling-3.0/video": P(
        [
            *grid(
                "mode",
                "sound",
                {("std", False): 14, ("std", True): 20, ("pro", False): 18, ("pro", True): 27},
                per="duration",
            ),
            C(67, per="duration", mode="4K"),
        ],
        note="per second of the whole video (duration), whatever its shots",
    ),
    "sora-2-text-to-video": P(by("n_frames", {"10": 20, "15": 25})),
    "wan/2-2-a14b-text-to-video-turbo": P(by("resolution", {"480p": 40, "720p": 80}), note="5 s clips"),
    "wan/2-5-text-to-video": P(grid("duration", "resolution", _WAN_25)),
    "wan/2-6-text-to-video": P(grid("duration", "resolution", _WAN_26)),
    "wan/2-7-text-to-video": P(by("resolution", {"1080p": 24, "720p": 16}, per="duration")),
    "wan/3-0-video": P(
        by("resolution", {"480P": 8, "720P": 16, "1080P": 32}, per="duration"),
        note="the 720p figure is marked 'approx.' in the Oct-2026 snapshot",
    ),
    "wan/3-0-video-prime": P([C(50, per="duration")], note="1080P, Kie's default resolution"),
    # upscale
    "grok-imagine/upscale": P([C(10)], note="360p → 720p"),
    "recraft/crisp-upscale": P([C(0.5)]),
    "topaz/image-upscale": P(
        [C(40)],
        note="priced by output size (2K 10 / 4K 20 / 8K 40), "
        "unknown before generation; the 8K worst case is "
        "charged",
    ),
    "topaz/video-upscale": P(by("upscale_factor", {"1": 8, "2": 8, "4": 14}, per="video_url")),
    # video to video
    "grok-imagine/extend": P(
        by("extend_times", {6: 20, 10: 30}),
        note="the source video's resolution is unknown; the 720p price is charged (480p costs less)",
    ),
    "happyhorse/video-edit": P(by("resolution", {"1080p": 48, "720p": 28}, per="video_url")),
    "kling-2.6/motion-control": P(by("mode", {"720p": 11, "1080p": 18}, per="video_urls")),
    "kling-3.0/motion-control": P([C(27, per="video_urls")]),
    "sora-watermark-remover": P([C(10)]),
    "wan/2-2-animate-move": P(by("resolution", {"480p": 6, "580p": 9.5, "720p": 12.5}, per="video_url")),
    "wan/2-2-animate-replace": P(by("resolution", {"480p": 6, "580p": 9.5, "720p": 12.5}, per="video_url")),
    "wan/2-6-video-to-video": P(
        grid(
            "duration",
            "resolution",
            {("5", "720p"): 70, ("10", "720p"): 140, ("5", "1080p"): 104.5, ("10", "1080p"): 209.5},
        )
    ),
    "wan/2-7-videoedit": P(
        [
            C(24, per="video_url", duration=0, resolution="1080p"),
            C(16, per="video_url", duration=0, resolution="720p"),
            C(24, per="duration", resolution="1080p"),
            C(16, per="duration", resolution="720p"),
        ]
    ),
}


def per_paths(case: dict[str, Any]) -> list[str]:
    """What a case multiplies by, as written: ``field`` or ``list.item_field``."""
    per = case.get("per")
    return [] if per is None else [per] if isinstance(per, str) else list(per)


def per_fields(case: dict[str, Any]) -> list[str]:
    """The (top-level) fields a case multiplies by: a list's own for ``list.item_field``."""
    return [path.split(".", 1)[0] for path in per_paths(case)]
