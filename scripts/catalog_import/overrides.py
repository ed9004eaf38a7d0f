"""Per-model adjustments editors made to the reference (fields left out, options kept, types
changed, models disabled), each with its reason, which lands in the model's ``notes``.
"""

from __future__ import annotations

from typing import Any

_CAP = "a product limit, not from the reference: the price is per second of this media"
_MULTI = "only meaningful with multi_prompt (a list of shots), which a chat cannot collect"
_VIDEO_REF = (
    "video references are billed at another per-second rate that also counts the "
    "input video's length; left out so the price is known before generation"
)
_KEEP_720_1080 = {"keep_options": ["720p", "1080p"]}
_KEEP_480_720 = {"keep_options": ["480p", "720p"]}
_TTS_OMIT = {
    "previous_text": "context for stitching several requests; a chat sends one text",
    "next_text": "context for stitching several requests; a chat sends one text",
}
_AVATAR_15 = {
    "fields": {"audio_url": {"max_seconds": 15}},
    "notes": ["audio_url max_seconds 15: the reference prices this model 'up to 15 s'"],
}
_SEEDANCE_2 = {
    "omit": {"reference_video_urls": _VIDEO_REF},
    "notes": [
        "prompt is asked as required: every Seedance 2 mode is driven by the "
        "prompt (min 3 characters), the reference only under-declares it"
    ],
}
_WAN_3_OMIT = {
    "reference_video_urls": "billed seconds = output + reference-video duration "
    "(input_constraints); left out so the price is known",
    "reference_file_urls": "documents are not media the bot collects",
    "reference_link_urls": "web links, not files",
}
_WAN_3 = {
    "fields": {
        "prompt": {"required": True},
        "duration": {"minimum": 2},
        "last_frame_url": {"requires": ["first_frame_url"]},
        "reference_image_urls": {"excludes": ["first_frame_url"]},
        "reference_audio_urls": {"excludes": ["first_frame_url"]},
    },
    "omit": _WAN_3_OMIT,
    "notes": [
        "prompt asked as required (the reference: 'required for text-to-video')",
        "duration minimum 2 (reference: 2-30 s without video input; -1 'model decides' "
        "is not offered because its price is unknown)",
        "input_constraints: last frame needs a first frame; first/last frame are not "
        "combined with reference_* inputs",
    ],
}


def _seedance(duration_max: int) -> dict[str, Any]:
    return {
        **_SEEDANCE_2,
        "fields": {"prompt": {"required": True}, "duration": {"minimum": 4, "maximum": duration_max}},
    }


_SUNO_MODES = (
    "Suno's modes from the docs: custom mode asks for style and title (a plain description "
    "otherwise); a vocal gender only for songs with vocals"
)
#: Suno results carry track ids (``data[].id``): the follow-ups take the task id and the id of
#: the track the user pressed under, from the user's own finished job (never typed)
_SUNO_SONGS = [
    "ai-music-api/generate",
    "ai-music-api/extend",
    "ai-music-api/upload-and-cover-audio",
    "ai-music-api/upload-and-extend-audio",
    "ai-music-api/add-instrumental",
    "ai-music-api/add-vocals",
]
_SOURCE_TASK = {
    "from_job": "task_id",
    "title": {"ru": "Исходная генерация", "en": "Source generation"},
    "hint": None,
}
_SOURCE_TRACK = {"from_job": "track_id", "title": {"ru": "Трек", "en": "Track"}}
_FOLLOW_NOTE = (
    "task_id and audio_id are filled from the user's own finished Suno job (the track "
    "pressed under); the model is opened only from a button under such a result"
)


def _suno_follow_up(
    ru: str, en: str, *, task: bool = True, songs: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    fields = {"audio_id": _SOURCE_TRACK, **({"task_id": _SOURCE_TASK} if task else {})}
    return {
        "fields": {**fields, **extra.pop("fields", {})},
        "follow_up": {"after": songs or _SUNO_SONGS, "label": {"ru": ru, "en": en}},
        "notes": [_FOLLOW_NOTE, *extra.pop("notes", [])],
        **extra,
    }


OVERRIDES: dict[str, dict[str, Any]] = {
    # Veo 3.1 on createTask (scripts/verified/veo.yaml)
    "veo-3-1": {
        "omit": {"watermark": "a text stamped on the video; a chat user does not need it"},
        "notes": [
            "the docs' limits between fields (3 images only with REFERENCE_2_VIDEO, which "
            "is Fast/Lite and 8 s only) are in Kie's hands: a refused request is not charged"
        ],
    },
    # Suno on createTask (scripts/verified/audio.yaml)
    "ai-music-api/extend": _suno_follow_up(
        "⏩ Продлить",
        "⏩ Extend",
        task=False,
        fields={
            "default_param_flag": {
                "title": {"ru": "Задать продолжение самому", "en": "Set the continuation yourself"},
                "hint": {
                    "ru": "Нет — Suno продолжит в духе трека",
                    "en": "No: Suno continues in the track's spirit",
                },
            },
            "prompt": {"ask_when": {"default_param_flag": [True], "instrumental": [False]}, "required": True},
            "style": {"ask_when": {"default_param_flag": [True]}, "required": True},
            "title": {"ask_when": {"default_param_flag": [True]}, "required": True},
            "continue_at": {"ask_when": {"default_param_flag": [True]}, "required": True},
            "vocal_gender": {"ask_when": {"instrumental": [False]}},
        },
        notes=[
            "the docs: with default_param_flag true, prompt (unless instrumental), style, "
            "title and continue_at are required; with false the source track's are used"
        ],
    ),
    "ai-music-api/replace-section": _suno_follow_up(
        "✂️ Заменить фрагмент",
        "✂️ Replace a section",
        fields={
            "prompt": {
                "title": {"ru": "Новый текст фрагмента", "en": "Lyrics of the new section"},
                "hint": {
                    "ru": "Строки, которые прозвучат в заменённом фрагменте",
                    "en": "The lines the replaced section will sing",
                },
            },
            "infill_start_s": {"title": {"ru": "Начало фрагмента, с", "en": "Section start, s"}},
            "infill_end_s": {
                "title": {"ru": "Конец фрагмента, с", "en": "Section end, s"},
                "hint": {
                    "ru": "Позже начала, в пределах трека, фрагмент не длиннее 60 с",
                    "en": "After the start, inside the track, the section 60 s at most",
                },
            },
        },
        notes=[
            "the section is checked before any charge: start < end, end within the source "
            "track's length, at most 60 s long (the docs' limit; they also ask at least 6 or 10 s "
            "in different copies, which is left to Kie: a refused request is not charged)"
        ],
    ),
    "ai-music-api/timeStamped-lyrics": _suno_follow_up("🕒 Текст с таймингом", "🕒 Timed lyrics"),
    "ai-music-api/convert-to-wav-format": _suno_follow_up("💿 WAV", "💿 WAV"),
    "ai-music-api/create-music-video": _suno_follow_up("🎬 Клип", "🎬 Music video"),
    "ai-music-api/generate": {
        "fields": {
            "prompt": {"ask_when": {"custom_mode": [False]}, "required": True},
            "style": {"ask_when": {"custom_mode": [True]}, "required": True},
            "title": {"ask_when": {"custom_mode": [True]}, "required": True},
            "lyrics": {"ask_when": {"custom_mode": [True], "instrumental": [False]}},
            "vocal_gender": {"ask_when": {"instrumental": [False]}},
            "duration": {"ask_when": {"custom_mode": [True]}},
            "variety": {"ask_when": {"custom_mode": [True]}},
        },
        "notes": [_SUNO_MODES, "duration and variety only in custom mode (the docs)"],
    },
    "ai-music-api/upload-and-cover-audio": {
        "fields": {
            "style": {"ask_when": {"custom_mode": [True]}, "required": True},
            "title": {"ask_when": {"custom_mode": [True]}, "required": True},
            "vocal_gender": {"ask_when": {"instrumental": [False]}},
        },
        "notes": [_SUNO_MODES],
    },
    "ai-music-api/generate-lyrics": {
        "notes": ["the result is text: lyrics variants with their titles, sent as chat messages"]
    },
    # Runway and Gemini Omni (scripts/verified/video_b.yaml)
    "runway": {
        "omit": {"watermark": "a text stamped on the video; a chat user does not need it"},
        "fields": {"aspect_ratio": {"excludes": ["image_url"]}},
        "notes": [
            "aspect_ratio is not asked with a photo: the docs say it is ignored then",
            "10 s at 1080p is refused by Kie (before any charge); the form cannot forbid that pair",
        ],
    },
    "runway/gen4-aleph": {
        "omit": {
            "watermark": "a text stamped on the video; a chat user does not need it",
            "upload_cn": "which Kie region stores the result; not the user's concern",
        }
    },
    "google/gemini-omni-flash-1-1": {
        "fields": {
            "image_urls": {"excludes": ["first_frame_url"]},
            "last_frame_url": {"requires": ["first_frame_url"]},
        },
        "notes": [
            "image_urls (references) and first_frame_url exclude each other; last_frame_url "
            "needs first_frame_url (the docs' field descriptions)"
        ],
    },
    "elevenlabs/audio-isolation": {
        "fields": {"audio_url": {"max_seconds": 300}},
        "notes": [f"audio_url max_seconds 300: {_CAP}"],
    },
    "elevenlabs/text-to-speech-multilingual-v2": {"omit": _TTS_OMIT},
    "elevenlabs/text-to-speech-turbo-2-5": {"omit": _TTS_OMIT},
    "infinitalk/from-audio": _AVATAR_15,
    "kling/ai-avatar-pro": _AVATAR_15,
    "kling/ai-avatar-standard": _AVATAR_15,
    "kling/ai-avatar-v1-pro": _AVATAR_15,
    "kling/v1-avatar-standard": _AVATAR_15,
    "omnihuman-1-5": {
        "fields": {"audio_url": {"max_seconds": 30}},
        "notes": [f"audio_url max_seconds 30: {_CAP}"],
    },
    "volcengine/video-to-video-lip-sync": {
        "fields": {"video_url": {"max_seconds": 60}, "audio_url": {"max_seconds": 60}},
        "notes": [f"video_url and audio_url max_seconds 60: {_CAP}"],
    },
    "wan/2-2-a14b-speech-to-video-turbo": {
        "omit": {
            "num_frames": "kept at Kie's default (80 frames at 16 fps = 5 s) so the "
            "per-second price is known",
            "frames_per_second": "kept at Kie's default (16 fps), see num_frames",
        }
    },
    "bytedance/seedream-v4-edit": {"fields": {"max_images": {"type": "integer"}}},
    "bytedance/seedream-v4-text-to-image": {"fields": {"max_images": {"type": "integer"}}},
    "qwen/image-edit": {
        "omit": {"sync_mode": "its reference description belongs to another model; a chat does not need it"}
    },
    "qwen/image-to-image": {
        "disable": "price unknown before generation: billed per megapixel of "
        "an output that keeps the uploaded image's size, and the "
        "reference gives no size limit"
    },
    "grok-imagine-video-1-5-preview": {
        "fields": {"resolution": _KEEP_480_720, "prompt": {"required_unless": ["image_urls"]}},
        "notes": [
            "1080p not offered: the reference has no price for it",
            "prompt is required when no image is sent: the reference marks both optional, "
            "but a request with neither has nothing to generate from",
        ],
    },
    "grok-imagine/image-to-video": {
        "omit": {
            "task_id": "the photo path is offered instead: a chat user has no Kie task id",
            "index": "belongs to task_id",
        },
        "fields": {
            "image_urls": {"required": True},
            "duration": {
                "type": "integer",
                "minimum": 6,
                "maximum": 30,
                "send_as": "string",
                "required": True,
            },
            "resolution": _KEEP_480_720,
        },
        "notes": [
            "image_urls asked as required: the other way in (task_id) is left out",
            "duration 6-30 s from the reference description; sent as a string as the docs' example does",
            "1080p not offered: no price in the reference",
        ],
    },
    "grok-imagine/text-to-video": {
        "fields": {"duration": {"type": "integer", "minimum": 6, "maximum": 30}, "resolution": _KEEP_480_720},
        "notes": [
            "duration 6-30 s from the reference description",
            "1080p not offered: no price in the reference",
        ],
    },
    "grok-imagine/upscale": {
        "omit": {
            "resolution": "1080p has no price in the reference; Kie's default 720p (the priced one) applies"
        }
    },
    "grok-imagine/extend": {
        "fields": {"extend_times": {"type": "enum", "options": [6, 10], "required": True}},
        "notes": ["extend_times offered as 6 or 10 s: the older docs' enum and the only priced lengths"],
    },
    "hailuo/2-3-image-to-video-pro": {
        "fields": {"duration": {"ask_when": {"resolution": ["768P"]}}},
        "notes": ["10 s is offered at 768P only: the reference prices no 10 s 1080P video"],
    },
    "hailuo/2-3-image-to-video-standard": {
        "fields": {"duration": {"ask_when": {"resolution": ["768P"]}}},
        "notes": ["10 s is offered at 768P only: the reference prices no 10 s 1080P video"],
    },
    "happyhorse-1-1/image-to-video": {"fields": {"duration": {"type": "integer"}}},
    "happyhorse-1-1/reference-to-video": {"fields": {"duration": {"type": "integer"}}},
    "happyhorse-1-1/text-to-video": {"fields": {"duration": {"type": "integer"}}},
    "happyhorse/video-edit": {
        "fields": {"video_url": {"max_seconds": 15}},
        "notes": [f"video_url max_seconds 15: {_CAP}"],
    },
    "kling-2.6/motion-control": {
        "fields": {"video_urls": {"max_seconds": 30}},
        "notes": [f"video_urls max_seconds 30: {_CAP}"],
    },
    "kling-3.0/motion-control": {
        "omit": {
            "mode": "free text whose values the reference does not give",
            "character_orientation": "free text whose values the reference does not give",
            "background_source": "free text whose values the reference does not give",
        },
        "fields": {"video_urls": {"max_seconds": 30}},
        "notes": [
            f"video_urls max_seconds 30: {_CAP}",
            "priced at the 1080p rate: Kie's default quality mode is not stated",
        ],
    },
    "kling-3.0-omni/image-to-video": {
        "omit": {"customize_multi_shots": _MULTI},
        "fields": {
            "resolution": _KEEP_720_1080,
            "image_urls": {
                "max_items": 2,
                "hint": {
                    "ru": "1 фото — первый кадр; 2 фото — первый и последний кадр",
                    "en": "1 image: first frame; 2 images: first and last frame",
                },
            },
        },
        "notes": [
            "image_urls takes 1 or 2 images: the reference's two input variants (first "
            "frame; first and last frame)",
            "4k not offered: no price in the reference",
        ],
    },
    "kling-3.0-omni/reference-to-video": {
        "omit": {
            "customize_multi_shots": _MULTI,
            "video_urls": "the video-input variants are left out: their output length and "
            "billing are not stated",
        },
        "fields": {"resolution": _KEEP_720_1080, "image_urls": {"required": True, "min_items": 1}},
        "notes": [
            "the 'No Video Input' variant: prompt and image_urls required",
            "4k not offered: no price in the reference",
        ],
    },
    "kling-3.0-omni/text-to-video": {
        "omit": {"customize_multi_shots": _MULTI},
        "fields": {"resolution": _KEEP_720_1080},
        "notes": ["4k not offered: no price in the reference"],
    },
    "kling/v3-turbo-image-to-video": {
        "fields": {
            "duration": {"type": "integer", "minimum": 3, "maximum": 15, "default": 5, "send_as": "string"}
        },
        "notes": ["duration: the reference's string field holds 3-15 s; asked as a number, sent as a string"],
    },
    "kling/v3-turbo-text-to-video": {
        "fields": {
            "duration": {"type": "integer", "minimum": 3, "maximum": 15, "default": 5, "send_as": "string"}
        },
        "notes": ["duration: the reference's string field holds 3-15 s; asked as a number, sent as a string"],
    },
    "minimax-h3/reference-to-video": {
        "fields": {"reference_video_urls": {"required_unless": ["reference_image_urls"]}},
        "notes": ["input_constraints: at least one of reference_image_urls, reference_video_urls"],
    },
    "gemini-omni-video": {
        "modes": ["text-to-video", "image-to-video", "reference-to-video"],
        "notes": ["video-to-video not offered: video_list is a list of objects"],
    },
    "wan/2-7-r2v": {
        "omit": {
            "reference_video": "its billing is not stated (Wan 3.0 bills reference-video seconds on top)"
        }
    },
    "bytedance/seedance-1.5-pro": {"fields": {"duration": {"type": "integer"}}},
    "bytedance/seedance-2": _seedance(15),
    "bytedance/seedance-2-5": _seedance(30),
    "bytedance/seedance-2-fast": _seedance(15),
    "bytedance/seedance-2-mini": _seedance(15),
    "wan/3-0-video": _WAN_3,
    "wan/3-0-video-prime": {
        **_WAN_3,
        "omit": {**_WAN_3_OMIT, "resolution": "only 1080P is priced; it is Kie's default"},
    },
    "topaz/video-upscale": {
        "fields": {"video_url": {"max_seconds": 60}},
        "notes": [f"video_url max_seconds 60: {_CAP}"],
    },
    "sora-2-pro-image-to-video": {"fields": {"size": {"title": {"ru": "Качество", "en": "Quality"}}}},
    "sora-2-pro-text-to-video": {"fields": {"size": {"title": {"ru": "Качество", "en": "Quality"}}}},
    "sora-watermark-remover": {
        "fields": {
            "video_url": {
                "type": "string",
                "media": None,
                "max_mb": None,
                "accept": None,
                "max_length": 500,
                "title": {"ru": "Ссылка на видео Sora", "en": "Sora video link"},
                "hint": {
                    "ru": "Публичная ссылка sora.chatgpt.com/…",
                    "en": "A public sora.chatgpt.com/… share link",
                },
            }
        },
        "notes": ["video_url is a Sora share link, not an uploaded file"],
    },
    "wan/2-2-animate-move": {
        "fields": {"video_url": {"max_seconds": 30}},
        "notes": [f"video_url max_seconds 30: {_CAP}"],
    },
    "wan/2-2-animate-replace": {
        "fields": {"video_url": {"max_seconds": 30}},
        "notes": [f"video_url max_seconds 30: {_CAP}"],
    },
    "wan/2-7-videoedit": {
        "fields": {"video_url": {"max_seconds": 10}},
        "notes": [
            "video_url max_seconds 10: the output is at most 10 s; "
            "duration 0 keeps the input's length, priced per second of it"
        ],
    },
}

# ============================================================================ tables: prices
