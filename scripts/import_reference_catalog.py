#!/usr/bin/env python3
"""Convert the reference Kie.ai catalog into the project's ``models/*.yaml``.

Reads ``../shared/reference/kie_models.json`` (relative to the project root), keeps every
``api == "market"`` model (the ``createTask`` ids) and writes one YAML file per category plus
``models/tasks.yaml``. Output is deterministic: running it twice gives identical files.

The reference is facts; what it leaves to interpretation is decided in the tables below —
display texts, price rules read from the free-text price conditions, per-model adjustments —
each with its reason, which also lands in the model's ``notes`` so an editor sees it.

    .venv/bin/python scripts/import_reference_catalog.py [--check]

``--check`` writes nothing and exits 1 when models/ differs from what the script would write.

``scripts/verified/*.yaml`` overlay the reference: for each model they list, the complete
input schema (when given) and price rows checked against a named public record, with that
``source``. A listed model counts as documented. Its price rule lives in PRICES, or beside the
rows as ``rule`` (the same cases PRICES holds), checked against those rows like any other.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "reference" / "kie_models.json"
VERIFIED = Path(__file__).resolve().parent / "verified"
OUT = ROOT / "models"

# ============================================================================ tables: menu

TASKS: list[dict[str, Any]] = [
    {"id": "video_ads", "emoji": "🎬",
     "name": {"ru": "Видео для Reels, TikTok и рекламы", "en": "Video for Reels, TikTok & ads"},
     "description": {"ru": "Ролик по текстовому описанию", "en": "A clip from a text prompt"}},
    {"id": "images", "emoji": "🖼",
     "name": {"ru": "Картинки, баннеры, посты", "en": "Images, banners, posts"},
     "description": {"ru": "Изображение по описанию", "en": "An image from a text prompt"}},
    {"id": "image_edit", "emoji": "✏️",
     "name": {"ru": "Редактировать изображение", "en": "Edit an image"},
     "description": {"ru": "Правка фото по команде, замена фона, персонажи",
                     "en": "Edit a photo by instruction, swap backgrounds, characters"}},
    {"id": "image_to_video", "emoji": "🎞",
     "name": {"ru": "Оживить фото: картинка → видео", "en": "Animate a photo: image → video"},
     "description": {"ru": "Ролик из вашего фото или референсов",
                     "en": "A clip from your photo or reference images"}},
    {"id": "enhance", "emoji": "✨",
     "name": {"ru": "Улучшить и увеличить", "en": "Enhance & upscale"},
     "description": {"ru": "Больше разрешение, чётче детали — фото и видео",
                     "en": "Higher resolution, sharper detail — photos and videos"}},
    {"id": "audio", "emoji": "🎵",
     "name": {"ru": "Аудио: озвучка, музыка, звуки", "en": "Audio: voice-over, music, sound"},
     "description": {"ru": "Озвучка текста, очистка голоса, музыка и эффекты",
                     "en": "Text to speech, voice isolation, music and effects"}},
    {"id": "avatar", "emoji": "🗣",
     "name": {"ru": "Говорящий аватар и липсинк", "en": "Talking avatar & lip-sync"},
     "description": {"ru": "Портрет или видео говорит под ваше аудио",
                     "en": "A portrait or a video speaks your audio"}},
    {"id": "video_edit", "emoji": "🎥",
     "name": {"ru": "Редактировать видео", "en": "Edit a video"},
     "description": {"ru": "Стиль, объекты, перенос движения, продление",
                     "en": "Style, objects, motion transfer, extension"}},
    {"id": "speech_to_text", "emoji": "📝",
     "name": {"ru": "Расшифровать речь", "en": "Speech to text"},
     "description": {"ru": "Текст из аудиозаписи", "en": "Text from an audio recording"}},
]

#: reference mode → tasks it serves (a model serves the tasks of all its modes)
TASK_OF_MODE: dict[str, tuple[str, ...]] = {
    "text-to-video": ("video_ads",), "storyboard": ("video_ads",),
    "character-creation": ("video_ads",), "asset-registration": ("video_ads",),
    "image-to-video": ("image_to_video",), "reference-to-video": ("image_to_video",),
    "first-last-frame": ("image_to_video",),
    "video-to-video": ("video_edit",), "video-edit": ("video_edit",), "video-extend": ("video_edit",),
    "motion-transfer": ("video_edit",), "character-replace": ("video_edit",),
    "watermark-removal": ("video_edit",), "video-remix": ("video_edit",), "reframe": ("video_edit",),
    "music-video": ("video_edit",),
    "text-to-image": ("images",),
    "image-to-image/edit": ("image_edit",), "masked-edit": ("image_edit",),
    "outpaint/reframe": ("image_edit",), "background-removal": ("image_edit",),
    "variation": ("image_edit",), "segmentation": ("image_edit",),
    "layer-decomposition": ("image_edit",),
    "upscale": ("enhance",), "refine": ("enhance",),
    "avatar/lipsync": ("avatar",), "subject-detection": ("avatar",),
    "text-to-speech": ("audio",), "dialogue": ("audio",), "sound-effects": ("audio",),
    "audio-isolation": ("audio",), "lyrics": ("audio",), "lyrics-alignment": ("audio",),
    "audio-to-music": ("audio",), "music-extend": ("audio",), "text-to-music": ("audio",),
    "music-edit": ("audio",), "format-conversion": ("audio",),
    "speech-to-text": ("speech_to_text",),
}

#: reference category → our category slug
CATEGORY = {
    "audio-isolation": "audio-isolation", "avatar/lipsync": "avatar-lipsync",
    "image-to-image/edit": "image-edit", "image-to-video": "image-to-video", "lyrics": "lyrics",
    "music": "music", "other": "other", "sound-effects": "sound-effects",
    "speech-to-text": "speech-to-text", "text-to-image": "text-to-image",
    "text-to-speech": "text-to-speech", "text-to-video": "text-to-video", "upscale": "upscale",
    "video-to-video": "video-to-video",
}

#: our category → file under models/ (one file per area an editor works on)
FILES = {
    "text-to-video": "text_to_video.yaml", "image-to-video": "image_to_video.yaml",
    "video-to-video": "video_edit.yaml", "avatar-lipsync": "avatar.yaml",
    "text-to-image": "text_to_image.yaml", "image-edit": "image_edit.yaml",
    "upscale": "upscale.yaml", "text-to-speech": "audio.yaml", "music": "audio.yaml",
    "sound-effects": "audio.yaml", "audio-isolation": "audio.yaml", "speech-to-text": "audio.yaml",
    "lyrics": "audio.yaml", "other": "tools.yaml",
}

# ============================================================================ tables: texts

#: mode key → card name suffix, description lead and example pool
MODE_TEXT: dict[str, dict[str, Any]] = {
    "t2v": {"name": ("текст → видео", "Text to Video"),
            "lead": ("Видео по описанию", "Video from a text prompt"), "examples": "t2v"},
    "tiv": {"name": ("текст или фото → видео", "Text/Image to Video"),
            "lead": ("Видео по описанию или из фото", "Video from a prompt or a photo"),
            "examples": "t2v"},
    "i2v": {"name": ("фото → видео", "Image to Video"),
            "lead": ("Оживляет фото в видеоролик", "Turns a photo into a video clip"),
            "examples": "i2v"},
    "r2v": {"name": ("видео по референсам", "Reference to Video"),
            "lead": ("Ролик с людьми и товарами с ваших фото",
                     "A clip featuring the people and products from your photos"),
            "examples": "r2v"},
    "flf": {"name": ("переход между кадрами", "First & Last Frame"),
            "lead": ("Плавный переход от первого кадра к последнему",
                     "A smooth transition from a first to a last frame"), "examples": "i2v"},
    "speech_video": {"name": ("речь → видео", "Speech to Video"),
                     "lead": ("Портрет говорит под ваше аудио", "A portrait that speaks your audio"),
                     "examples": "avatar"},
    "v2v": {"name": ("видео → видео", "Video to Video"),
            "lead": ("Перерисовывает видео по описанию", "Restyles a video from a prompt"),
            "examples": "v2v"},
    "vedit": {"name": ("редактирование видео", "Video Edit"),
              "lead": ("Меняет объекты, стиль и детали в готовом видео",
                       "Changes objects, style and details in a video"), "examples": "v2v"},
    "extend": {"name": ("продление видео", "Video Extend"),
               "lead": ("Продлевает готовый ролик", "Extends an existing clip"),
               "examples": "extend"},
    "motion": {"name": ("перенос движения", "Motion Control"),
               "lead": ("Переносит движения из видео на персонажа с фото",
                        "Transfers motion from a video onto the character in a photo"),
               "examples": "motion"},
    "replace": {"name": ("замена персонажа", "Character Replace"),
                "lead": ("Заменяет героя видео на персонажа с фото",
                         "Replaces the person in a video with the character from a photo"),
                "examples": "motion"},
    "watermark": {"name": ("удаление водяного знака", "Watermark Remover"),
                  "lead": ("Убирает водяной знак Sora с видео по ссылке",
                           "Removes the Sora watermark from a shared video"), "examples": None},
    "remix": {"name": ("ремикс видео", "Video Remix"),
              "lead": ("Ремикс готового видео", "Remixes an existing video"), "examples": "v2v"},
    "reframe_v": {"name": ("смена формата видео", "Video Reframe"),
                  "lead": ("Меняет формат кадра видео", "Changes a video's aspect ratio"),
                  "examples": None},
    "t2i": {"name": ("текст → картинка", "Text to Image"),
            "lead": ("Картинка по описанию", "An image from a text prompt"), "examples": "t2i"},
    "ti2i": {"name": ("создание и правка картинок", "Image Generation & Edit"),
             "lead": ("Создаёт картинку по описанию или правит ваши фото",
                      "Creates images from a prompt or edits your photos"), "examples": "t2i"},
    "edit": {"name": ("редактирование фото", "Image Edit"),
             "lead": ("Правит фото по текстовой команде", "Edits a photo from a text instruction"),
             "examples": "edit"},
    "i2i": {"name": ("фото → фото", "Image to Image"),
            "lead": ("Перерисовывает фото по описанию", "Redraws a photo from a prompt"),
            "examples": "edit"},
    "mask": {"name": ("правка по маске", "Masked Edit"),
             "lead": ("Меняет выделенную область фото", "Changes a selected area of a photo"),
             "examples": "edit"},
    "reframe": {"name": ("расширение кадра", "Reframe"),
                "lead": ("Дорисовывает фото под новый формат", "Extends a photo to a new format"),
                "examples": None},
    "bg": {"name": ("удаление фона", "Remove Background"),
           "lead": ("Удаляет фон с фото за секунды", "Removes a photo's background in seconds"),
           "examples": None},
    "refine": {"name": ("улучшение фото", "Image Refiner"),
               "lead": ("Улучшает детали фото", "Refines the details of a photo"), "examples": None},
    "vary": {"name": ("вариации", "Vary"),
             "lead": ("Вариации готового изображения", "Variations of an existing image"),
             "examples": None},
    "char": {"name": ("персонаж по фото", "Character"),
             "lead": ("Один и тот же персонаж в новых сценах", "The same character in new scenes"),
             "examples": "char"},
    "char_edit": {"name": ("правка с персонажем", "Character Edit"),
                  "lead": ("Вписывает персонажа в выделенную область фото",
                           "Puts your character into a masked area of a photo"), "examples": "char"},
    "char_remix": {"name": ("ремикс с персонажем", "Character Remix"),
                   "lead": ("Перерисовывает картинку с вашим персонажем",
                            "Remixes an image around your character"), "examples": "char"},
    "remix_i": {"name": ("ремикс картинки", "Remix"),
                "lead": ("Переосмысляет вашу картинку по описанию",
                         "Reimagines your image from a prompt"), "examples": "edit"},
    "up": {"name": ("увеличение фото", "Image Upscale"),
           "lead": ("Увеличивает фото и повышает чёткость", "Upscales a photo and sharpens it"),
           "examples": None},
    "vup": {"name": ("улучшение видео", "Video Upscale"),
            "lead": ("Повышает разрешение видео", "Upscales a video"), "examples": None},
    "avatar": {"name": ("говорящий аватар", "Talking Avatar"),
               "lead": ("Оживляет портрет под аудио с точным липсинком",
                        "Animates a portrait to an audio track with accurate lip-sync"),
               "examples": "avatar"},
    "lipsync_v": {"name": ("липсинк видео", "Video Lip-sync"),
                  "lead": ("Подгоняет губы в видео под новое аудио",
                           "Re-syncs the lips in a video to new audio"), "examples": None},
    "tts": {"name": ("озвучка текста", "Text to Speech"),
            "lead": ("Озвучивает текст", "Turns text into speech"), "examples": "tts"},
    "dialog": {"name": ("озвучка диалога", "Dialogue"),
               "lead": ("Озвучивает диалог несколькими голосами",
                        "Voices a dialogue with several speakers"), "examples": "tts"},
    "stt": {"name": ("расшифровка речи", "Speech to Text"),
            "lead": ("Переводит речь из аудио в текст", "Transcribes speech from audio"),
            "examples": None},
    "sfx": {"name": ("звуковые эффекты", "Sound Effects"),
            "lead": ("Звуковой эффект по описанию", "A sound effect from a description"),
            "examples": "sfx"},
    "iso": {"name": ("очистка голоса", "Audio Isolation"),
            "lead": ("Отделяет голос от музыки и шума", "Separates the voice from music and noise"),
            "examples": None},
    "music": {"name": ("музыка", "Music"),
              "lead": ("Песня или трек по описанию", "A song or a track from a description"),
              "examples": "music"},
    "music_edit": {"name": ("правка трека", "Music Edit"),
                   "lead": ("Дорабатывает готовый трек", "Works on an existing track"),
                   "examples": "music"},
    "lyrics": {"name": ("тексты песен", "Lyrics"),
               "lead": ("Текст песни на заданную тему", "Song lyrics on a theme"),
               "examples": "lyrics"},
    "lyrics_ts": {"name": ("тайм-коды текста", "Timestamped Lyrics"),
                  "lead": ("Тайм-коды слов для песни", "Word timings for a song"), "examples": None},
    "wav": {"name": ("конвертация в WAV", "Convert to WAV"),
            "lead": ("Переводит трек в WAV", "Converts a track to WAV"), "examples": None},
    "musicvideo": {"name": ("клип к треку", "Music Video"),
                   "lead": ("Видеоклип к сгенерированному треку", "A video for a generated track"),
                   "examples": None},
    "seg": {"name": ("карта объектов", "Segment Map"),
            "lead": ("Находит объекты на картинке для точечной правки",
                     "Finds objects in an image for targeted edits"), "examples": None},
    "detect": {"name": ("поиск людей на фото", "Subject Detection"),
               "lead": ("Находит людей и объекты на фото для аватара",
                        "Finds people and objects in a photo for an avatar"), "examples": None},
    "layers": {"name": ("разбор на слои", "Layer Decomposition"),
               "lead": ("Раскладывает картинку на слои", "Splits an image into layers"),
               "examples": None},
    "charvid": {"name": ("персонаж для Sora", "Sora Character"),
                "lead": ("Создаёт персонажа для роликов Sora", "Creates a character for Sora videos"),
                "examples": None},
    "asset": {"name": ("ассеты", "Assets"),
              "lead": ("Регистрирует ассеты для Seedance 2.0", "Registers assets for Seedance 2.0"),
              "examples": None},
    "storyboard": {"name": ("раскадровка", "Storyboard"),
                   "lead": ("Ролик по раскадровке из нескольких сцен",
                            "A clip from a storyboard of several scenes"), "examples": None},
    "other": {"name": ("служебная модель", "Utility"),
              "lead": ("Служебный путь Kie.ai", "A Kie.ai utility path"), "examples": None},
}

#: model id → (short name shown on cards, mode key)
NAMES: dict[str, tuple[str, str]] = {
    "ai-music-api/add-instrumental": ("Suno Add Instrumental", "music_edit"),
    "ai-music-api/add-vocals": ("Suno Add Vocals", "music_edit"),
    "ai-music-api/convert-to-wav-format": ("Suno", "wav"),
    "ai-music-api/create-music-video": ("Suno", "musicvideo"),
    "ai-music-api/extend": ("Suno Extend", "music_edit"),
    "ai-music-api/generate": ("Suno", "music"),
    "ai-music-api/generate-lyrics": ("Suno", "lyrics"),
    "ai-music-api/replace-section": ("Suno Replace Section", "music_edit"),
    "ai-music-api/sounds": ("Suno Sounds", "sfx"),
    "ai-music-api/timeStamped-lyrics": ("Suno", "lyrics_ts"),
    "ai-music-api/upload-and-cover-audio": ("Suno Cover", "music_edit"),
    "ai-music-api/upload-and-extend-audio": ("Suno Upload & Extend", "music_edit"),
    "bytedance/omni-human": ("OmniHuman", "avatar"),
    "bytedance/seedance-1.5-pro": ("Seedance 1.5 Pro", "tiv"),
    "bytedance/seedance-2": ("Seedance 2.0", "tiv"),
    "bytedance/seedance-2-5": ("Seedance 2.5", "tiv"),
    "bytedance/seedance-2-asset": ("Seedance 2.0", "asset"),
    "bytedance/seedance-2-fast": ("Seedance 2.0 Fast", "tiv"),
    "bytedance/seedance-2-image-to-video": ("Seedance 2.0 Playground", "i2v"),
    "bytedance/seedance-2-mini": ("Seedance 2.0 Mini", "tiv"),
    "bytedance/seedance-2-text-to-video": ("Seedance 2.0 Playground", "t2v"),
    "bytedance/seedream": ("Seedream 3.0", "t2i"),
    "bytedance/seedream-v4-edit": ("Seedream 4.0", "edit"),
    "bytedance/seedream-v4-text-to-image": ("Seedream 4.0", "t2i"),
    "bytedance/v1-lite-image-to-video": ("Seedance 1.0 Lite", "i2v"),
    "bytedance/v1-lite-text-to-video": ("Seedance 1.0 Lite", "t2v"),
    "bytedance/v1-pro-fast-image-to-video": ("Seedance 1.0 Pro Fast", "i2v"),
    "bytedance/v1-pro-image-to-video": ("Seedance 1.0 Pro", "i2v"),
    "bytedance/v1-pro-text-to-video": ("Seedance 1.0 Pro", "t2v"),
    "elevenlabs/audio-isolation": ("ElevenLabs", "iso"),
    "elevenlabs/sound-effect-v2": ("ElevenLabs Sound Effect V2", "sfx"),
    "elevenlabs/speech-to-text": ("ElevenLabs", "stt"),
    "elevenlabs/text-to-dialogue-v3": ("ElevenLabs V3", "dialog"),
    "elevenlabs/text-to-speech-multilingual-v2": ("ElevenLabs Multilingual V2", "tts"),
    "elevenlabs/text-to-speech-turbo-2-5": ("ElevenLabs Turbo 2.5", "tts"),
    "features/flux1-kontext": ("FLUX.1 Kontext", "ti2i"),
    "features/mj-api": ("Midjourney", "t2i"),
    "flux-2/flex-image-to-image": ("FLUX.2 Flex", "edit"),
    "flux-2/flex-text-to-image": ("FLUX.2 Flex", "t2i"),
    "flux-2/pro-image-to-image": ("FLUX.2 Pro", "edit"),
    "flux-2/pro-text-to-image": ("FLUX.2 Pro", "t2i"),
    "gemini-omni-video": ("Gemini Omni Video", "tiv"),
    "google/gemini-2-5-pro-tts": ("Gemini 2.5 Pro TTS", "dialog"),
    "google/gemini-2.0-flash-exp": ("Gemini 2.0 Flash Exp", "other"),
    "google/gemini-3-1-flash-tts": ("Gemini 3.1 Flash TTS", "dialog"),
    "google/gemini-3-8-flash-lite-tts": ("Gemini 3.8 Flash-Lite TTS", "dialog"),
    "google/gemini-3-8-flash-tts": ("Gemini 3.8 Flash TTS", "dialog"),
    "google/gemini-omni-flash-1-1": ("Gemini Omni 1.1 Flash", "tiv"),
    "google/imagen4": ("Imagen 4", "t2i"),
    "google/imagen4-fast": ("Imagen 4 Fast", "t2i"),
    "google/imagen4-ultra": ("Imagen 4 Ultra", "t2i"),
    "google/nano-banana": ("Nano Banana", "t2i"),
    "google/nano-banana-edit": ("Nano Banana", "edit"),
    "gpt-image-2-5-flare-image-to-image": ("GPT Image 2.5 Flare", "edit"),
    "gpt-image-2-5-flare-text-to-image": ("GPT Image 2.5 Flare", "t2i"),
    "gpt-image-2-5-sunburst-image-to-image": ("GPT Image 2.5 Sunburst", "edit"),
    "gpt-image-2-5-sunburst-text-to-image": ("GPT Image 2.5 Sunburst", "t2i"),
    "gpt-image-2-image-to-image": ("GPT Image 2", "edit"),
    "gpt-image-2-text-to-image": ("GPT Image 2", "t2i"),
    "gpt-image/1.5-image-to-image": ("GPT Image 1.5", "edit"),
    "gpt-image/1.5-text-to-image": ("GPT Image 1.5", "t2i"),
    "grok-imagine-image-2-0/image-edit": ("Grok Imagine Image 2.0", "edit"),
    "grok-imagine-image-2-0/segment-edit": ("Grok Imagine Image 2.0 Segment", "mask"),
    "grok-imagine-image-2-0/segment-map": ("Grok Imagine Image 2.0", "seg"),
    "grok-imagine-image-2-0/text-to-image": ("Grok Imagine Image 2.0", "t2i"),
    "grok-imagine-video-1-5-preview": ("Grok Imagine Video 1.5 Preview", "tiv"),
    "grok-imagine-video-1-5-preview-extend": ("Grok Imagine Video 1.5 Preview", "extend"),
    "grok-imagine/extend": ("Grok Imagine", "extend"),
    "grok-imagine/image-to-image": ("Grok Imagine", "edit"),
    "grok-imagine/image-to-video": ("Grok Imagine", "i2v"),
    "grok-imagine/text-to-image": ("Grok Imagine", "t2i"),
    "grok-imagine/text-to-video": ("Grok Imagine", "t2v"),
    "grok-imagine/upscale": ("Grok Imagine", "vup"),
    "hailuo/02-image-to-video-pro": ("Hailuo 02 Pro", "i2v"),
    "hailuo/02-image-to-video-standard": ("Hailuo 02 Standard", "i2v"),
    "hailuo/02-text-to-video-pro": ("Hailuo 02 Pro", "t2v"),
    "hailuo/02-text-to-video-standard": ("Hailuo 02 Standard", "t2v"),
    "hailuo/2-3-image-to-video-pro": ("Hailuo 2.3 Pro", "i2v"),
    "hailuo/2-3-image-to-video-standard": ("Hailuo 2.3 Standard", "i2v"),
    "happyhorse-1-1/image-to-video": ("HappyHorse 1.1", "i2v"),
    "happyhorse-1-1/reference-to-video": ("HappyHorse 1.1", "r2v"),
    "happyhorse-1-1/text-to-video": ("HappyHorse 1.1", "t2v"),
    "happyhorse/image-to-video": ("HappyHorse", "i2v"),
    "happyhorse/reference-to-video": ("HappyHorse", "r2v"),
    "happyhorse/text-to-video": ("HappyHorse", "t2v"),
    "happyhorse/video-edit": ("HappyHorse", "vedit"),
    "ideogram/character": ("Ideogram Character", "char"),
    "ideogram/character-edit": ("Ideogram Character", "char_edit"),
    "ideogram/character-remix": ("Ideogram Character", "char_remix"),
    "ideogram/v3-edit": ("Ideogram V3", "mask"),
    "ideogram/v3-reframe": ("Ideogram V3", "reframe"),
    "ideogram/v3-remix": ("Ideogram V3", "remix_i"),
    "ideogram/v3-text-to-image": ("Ideogram V3", "t2i"),
    "infinitalk/from-audio": ("InfiniteTalk", "avatar"),
    "infinitalk/from-text": ("InfiniteTalk Text", "avatar"),
    "kie/image-refiner": ("Kie Image Refiner", "refine"),
    "kling-2.6/image-to-video": ("Kling 2.6", "i2v"),
    "kling-2.6/motion-control": ("Kling 2.6", "motion"),
    "kling-2.6/text-to-video": ("Kling 2.6", "t2v"),
    "kling-3.0-omni/image-to-video": ("Kling 3.0 Omni", "i2v"),
    "kling-3.0-omni/reference-to-video": ("Kling 3.0 Omni", "r2v"),
    "kling-3.0-omni/text-to-video": ("Kling 3.0 Omni", "t2v"),
    "kling-3.0-omni/transformation": ("Kling 3.0 Omni", "v2v"),
    "kling-3.0/motion-control": ("Kling 3.0", "motion"),
    "kling-3.0/video": ("Kling 3.0", "tiv"),
    "kling-o1/kling-hig-image-omni-flf-o1": ("Kling O1", "flf"),
    "kling-o1/kling-hig-image-reference-o1": ("Kling O1", "r2v"),
    "kling-o1/kling-hig-video-edit-o1": ("Kling O1", "vedit"),
    "kling-o1/kling-hig-video-reference-o1": ("Kling O1 Video", "r2v"),
    "kling/ai-avatar-pro": ("Kling Avatar Pro", "avatar"),
    "kling/ai-avatar-standard": ("Kling Avatar Standard", "avatar"),
    "kling/ai-avatar-v1-pro": ("Kling Avatar V1 Pro", "avatar"),
    "kling/v1-avatar-standard": ("Kling Avatar V1 Standard", "avatar"),
    "kling/v1-tts": ("Kling V1", "tts"),
    "kling/v2-1-master-image-to-video": ("Kling 2.1 Master", "i2v"),
    "kling/v2-1-master-text-to-video": ("Kling 2.1 Master", "t2v"),
    "kling/v2-1-pro": ("Kling 2.1 Pro", "i2v"),
    "kling/v2-1-standard": ("Kling 2.1 Standard", "i2v"),
    "kling/v2-5-turbo-image-to-video-pro": ("Kling 2.5 Turbo Pro", "i2v"),
    "kling/v2-5-turbo-text-to-video-pro": ("Kling 2.5 Turbo Pro", "t2v"),
    "kling/v3-turbo-image-to-video": ("Kling 3 Turbo", "i2v"),
    "kling/v3-turbo-text-to-video": ("Kling 3 Turbo", "t2v"),
    "luma-dream-machine/modify": ("Luma Modify", "vedit"),
    "luma-dream-machine/ray-2-flash-reframe": ("Luma Ray 2 Flash", "reframe_v"),
    "midjourney/extend": ("Midjourney", "extend"),
    "midjourney/upscale": ("Midjourney", "up"),
    "midjourney/vary": ("Midjourney", "vary"),
    "minimax-h3/image-to-video": ("MiniMax H3", "i2v"),
    "minimax-h3/reference-to-video": ("MiniMax H3", "r2v"),
    "minimax-h3/text-to-video": ("MiniMax H3", "t2v"),
    "nano-banana-2": ("Nano Banana 2", "ti2i"),
    "nano-banana-2-1": ("Nano Banana 2.1", "ti2i"),
    "nano-banana-2-lite": ("Nano Banana 2 Lite", "ti2i"),
    "nano-banana-pro": ("Nano Banana Pro", "ti2i"),
    "nano-banana-upscale": ("Nano Banana", "up"),
    "omnihuman-1-5": ("OmniHuman 1.5", "avatar"),
    "omnihuman-1-5/human-identification": ("OmniHuman 1.5 Human ID", "detect"),
    "omnihuman-1-5/subject-detection": ("OmniHuman 1.5", "detect"),
    "openai/whisper-speech-to-text": ("Whisper", "stt"),
    "pixverse-v6/extend": ("PixVerse V6", "extend"),
    "pixverse-v6/image-to-video": ("PixVerse V6", "i2v"),
    "pixverse-v6/reference-to-video": ("PixVerse V6 Fusion", "r2v"),
    "pixverse-v6/text-to-video": ("PixVerse V6", "t2v"),
    "pixverse-v6/transition": ("PixVerse V6", "flf"),
    "qwen/image-edit": ("Qwen Image", "edit"),
    "qwen/image-to-image": ("Qwen Image", "i2i"),
    "qwen/text-to-image": ("Qwen Image", "t2i"),
    "qwen2/image-edit": ("Qwen2 Image", "edit"),
    "qwen2/text-to-image": ("Qwen2 Image", "t2i"),
    "qwen3/image-to-image": ("Qwen3 Image", "i2i"),
    "qwen3/pro-image-to-image": ("Qwen3 Image Pro", "i2i"),
    "qwen3/pro-text-to-image": ("Qwen3 Image Pro", "t2i"),
    "qwen3/text-to-image": ("Qwen3 Image", "t2i"),
    "recraft/crisp-upscale": ("Recraft Crisp", "up"),
    "recraft/remove-background": ("Recraft", "bg"),
    "runway": ("Runway Gen-4", "tiv"),
    "runway/gen4-aleph": ("Runway Aleph", "vedit"),
    "seedream/4.5-edit": ("Seedream 4.5", "edit"),
    "seedream/4.5-text-to-image": ("Seedream 4.5", "t2i"),
    "seedream/5-flash-image-to-image": ("Seedream 5.0 Flash", "edit"),
    "seedream/5-flash-layer-decomposition": ("Seedream 5.0 Flash", "layers"),
    "seedream/5-flash-text-to-image": ("Seedream 5.0 Flash", "t2i"),
    "seedream/5-lite-image-to-image": ("Seedream 5.0 Lite", "edit"),
    "seedream/5-lite-text-to-image": ("Seedream 5.0 Lite", "t2i"),
    "seedream/5-pro-image-to-image": ("Seedream 5.0 Pro", "edit"),
    "seedream/5-pro-layer-decomposition": ("Seedream 5.0 Pro", "layers"),
    "seedream/5-pro-text-to-image": ("Seedream 5.0 Pro", "t2i"),
    "sora-2-characters": ("Sora 2", "charvid"),
    "sora-2-characters-pro": ("Sora 2 Pro", "charvid"),
    "sora-2-image-to-video": ("Sora 2", "i2v"),
    "sora-2-image-to-video-stable": ("Sora 2 Stable", "i2v"),
    "sora-2-pro-image-to-video": ("Sora 2 Pro", "i2v"),
    "sora-2-pro-storyboard": ("Sora 2 Pro", "storyboard"),
    "sora-2-pro-text-to-video": ("Sora 2 Pro", "t2v"),
    "sora-2-text-to-video": ("Sora 2", "t2v"),
    "sora-2-text-to-video-stable": ("Sora 2 Stable", "t2v"),
    "sora-watermark-remover": ("Sora 2", "watermark"),
    "sora2-remix": ("Sora 2", "remix"),
    "topaz/image-upscale": ("Topaz", "up"),
    "topaz/video-upscale": ("Topaz", "vup"),
    "v3-api": ("v3-api", "other"),
    "veo-3-1": ("Veo 3.1", "tiv"),
    "volcengine/video-to-video-lip-sync": ("Volcengine Lip Sync", "lipsync_v"),
    "wan/2-2-a14b-image-to-video-turbo": ("Wan 2.2 Turbo", "i2v"),
    "wan/2-2-a14b-speech-to-video-turbo": ("Wan 2.2 Turbo", "speech_video"),
    "wan/2-2-a14b-text-to-video-turbo": ("Wan 2.2 Turbo", "t2v"),
    "wan/2-2-animate-move": ("Wan 2.2 Animate Move", "motion"),
    "wan/2-2-animate-replace": ("Wan 2.2 Animate Replace", "replace"),
    "wan/2-5-image-to-video": ("Wan 2.5", "i2v"),
    "wan/2-5-text-to-video": ("Wan 2.5", "t2v"),
    "wan/2-6-flash-image-to-video": ("Wan 2.6 Flash", "i2v"),
    "wan/2-6-flash-video-to-video": ("Wan 2.6 Flash", "v2v"),
    "wan/2-6-image-to-video": ("Wan 2.6", "i2v"),
    "wan/2-6-text-to-video": ("Wan 2.6", "t2v"),
    "wan/2-6-video-to-video": ("Wan 2.6", "v2v"),
    "wan/2-7-image": ("Wan 2.7 Image", "ti2i"),
    "wan/2-7-image-pro": ("Wan 2.7 Image Pro", "ti2i"),
    "wan/2-7-image-to-video": ("Wan 2.7", "i2v"),
    "wan/2-7-r2v": ("Wan 2.7", "r2v"),
    "wan/2-7-text-to-video": ("Wan 2.7", "t2v"),
    "wan/2-7-videoedit": ("Wan 2.7", "vedit"),
    "wan/3-0-video": ("Wan 3.0", "tiv"),
    "wan/3-0-video-prime": ("Wan 3.0 Prime", "tiv"),
    "wantest/2-5-text-to-video": ("Wan 2.5 Test Path", "t2v"),
    "z-image": ("Z-Image", "t2i"),
}

#: reference family → what it is good at (second sentence of a description)
FAMILY_TEXT: dict[str, tuple[str, str]] = {
    "ElevenLabs": ("ElevenLabs — естественные голоса и чистый звук",
                   "ElevenLabs — natural voices and clean sound"),
    "OmniHuman": ("OmniHuman от ByteDance — живые жесты и мимика",
                  "OmniHuman by ByteDance — lively gestures and expressions"),
    "InfiniteTalk": ("InfiniteTalk — точная артикуляция в длинных роликах",
                     "InfiniteTalk — precise articulation in long clips"),
    "Kling": ("Kling от Kuaishou — реалистичное движение и живая мимика",
              "Kling by Kuaishou — realistic motion and lifelike faces"),
    "Volcengine Lip Sync": ("Volcengine от ByteDance — липсинк для готовых видео",
                            "Volcengine by ByteDance — lip-sync for existing videos"),
    "Wan": ("Wan от Alibaba — гибкие настройки по честной цене",
            "Wan by Alibaba — flexible settings at a fair price"),
    "Seedream": ("Seedream от ByteDance — фотореализм и чёткий текст на картинке",
                 "Seedream by ByteDance — photorealism and crisp text in images"),
    "FLUX.1 Kontext": ("FLUX Kontext — правка картинок с пониманием контекста",
                       "FLUX Kontext — context-aware image edits"),
    "FLUX.2": ("FLUX.2 от Black Forest Labs — детализация и точная композиция",
               "FLUX.2 by Black Forest Labs — fine detail and precise composition"),
    "Nano Banana": ("Nano Banana от Google — быстро создаёт и правит по тексту",
                    "Nano Banana by Google — fast creation and text-guided edits"),
    "GPT Image": ("GPT Image от OpenAI — понимает сложные запросы и надписи",
                  "GPT Image by OpenAI — handles complex prompts and lettering"),
    "Grok Imagine": ("Grok Imagine от xAI — быстро и недорого",
                     "Grok Imagine by xAI — fast and inexpensive"),
    "Ideogram": ("Ideogram — лучший выбор для надписей, логотипов и постеров",
                 "Ideogram — the pick for lettering, logos and posters"),
    "Kie utility": ("Служебный инструмент Kie.ai", "A Kie.ai utility"),
    "Midjourney": ("Midjourney — узнаваемая художественная эстетика",
                   "Midjourney — a recognisable artistic look"),
    "Qwen Image": ("Qwen Image от Alibaba — аккуратный текст и точная правка",
                   "Qwen Image by Alibaba — neat text and precise edits"),
    "Recraft": ("Recraft — инструменты для дизайнеров", "Recraft — tools for designers"),
    "Seedance": ("Seedance от ByteDance — динамичные сцены и точное следование промпту",
                 "Seedance by ByteDance — dynamic scenes that follow the prompt closely"),
    "Hailuo": ("Hailuo от MiniMax — выразительная физика и пластика движений",
               "Hailuo by MiniMax — expressive physics and fluid motion"),
    "HappyHorse": ("HappyHorse — чистая картинка в Full HD", "HappyHorse — clean Full HD footage"),
    "MiniMax H3": ("MiniMax H3 — новое поколение видео до 2K",
                   "MiniMax H3 — next-generation video up to 2K"),
    "PixVerse": ("PixVerse — эффектные ролики для соцсетей",
                 "PixVerse — eye-catching clips for social media"),
    "Sora 2": ("Sora 2 от OpenAI — кинематографичные сцены",
               "Sora 2 by OpenAI — cinematic scenes"),
    "Suno": ("Suno — песни с вокалом и инструменталы", "Suno — songs with vocals and instrumentals"),
    "Other": ("Недокументированный путь Kie.ai", "An undocumented Kie.ai path"),
    "Gemini (legacy)": ("Устаревший служебный путь Google", "A legacy Google utility path"),
    "Whisper": ("Whisper от OpenAI — распознавание речи", "Whisper by OpenAI — speech recognition"),
    "Imagen 4": ("Imagen 4 от Google — фотореалистичные изображения",
                 "Imagen 4 by Google — photorealistic images"),
    "Z-Image": ("Z-Image от Alibaba — самая дешёвая быстрая генерация",
                "Z-Image by Alibaba — the cheapest fast generation"),
    "Gemini TTS": ("Gemini TTS от Google — диалоги разными голосами",
                   "Gemini TTS by Google — dialogues in several voices"),
    "Gemini Omni": ("Gemini Omni от Google — видео с пониманием контекста",
                    "Gemini Omni by Google — context-aware video"),
    "Runway": ("Runway — видеомонтаж на ИИ для профессионалов",
               "Runway — AI video tools for professionals"),
    "Veo 3.1": ("Veo 3.1 от Google — видео со звуком", "Veo 3.1 by Google — video with sound"),
    "Topaz": ("Topaz Labs — профессиональное увеличение без артефактов",
              "Topaz Labs — professional upscaling without artefacts"),
    "Luma Dream Machine": ("Luma — творческая переработка видео", "Luma — creative video rework"),
}

#: the variant word of a short name (last one wins) → what it means for the buyer
VARIANT_TEXT: dict[str, tuple[str, str]] = {
    "pro": ("версия Pro", "Pro version"),
    "master": ("топовая версия Master", "top-tier Master version"),
    "standard": ("стандартная версия", "standard version"),
    "lite": ("облегчённая и недорогая версия", "light, inexpensive version"),
    "fast": ("быстрая версия", "fast version"),
    "turbo": ("быстрая версия Turbo", "fast Turbo version"),
    "flash": ("быстрая версия Flash", "fast Flash version"),
    "mini": ("самая доступная версия", "the most affordable version"),
    "ultra": ("максимальное качество", "maximum quality"),
    "prime": ("ускоренная версия Prime", "faster Prime version"),
    "preview": ("предварительная версия", "preview version"),
    "flex": ("гибкая версия Flex", "Flex version"),
    "stable": ("стабильная ветка", "stable branch"),
    "legacy": ("прежний id модели", "previous-generation id"),
    "flare": ("вариант Flare", "Flare variant"),
    "sunburst": ("вариант Sunburst", "Sunburst variant"),
}

EXAMPLES: dict[str, list[str]] = {
    "t2v": [
        "Iced coffee poured into a tall glass, condensation drops, warm morning light, slow motion",
        "Sneakers splashing through a neon-lit puddle at night, low-angle tracking shot",
        "A cozy bakery at sunrise, the camera slowly pushes in on fresh croissants, steam rising",
        "Drone flight over a turquoise bay at golden hour, sailboats, smooth cinematic motion",
        "A young woman unboxes a skincare set on a marble table, soft daylight, top-down shot",
        "Orange slices falling into sparkling water in slow motion, bright studio background",
        "A barista pours latte art in a busy café, shallow depth of field, handheld feel",
        "A smartphone rotating on a glossy pedestal with light streaks, futuristic tech ad",
    ],
    "i2v": [
        "The person smiles and turns to the camera, hair moving gently in the wind",
        "Slow camera push-in, steam rises from the cup, soft light flickers",
        "The product rotates slowly on the table while a light beam sweeps across it",
        "Clouds drift across the sky, water ripples, leaves sway gently",
        "The model walks toward the camera, city lights blur in the background",
        "Confetti falls, the couple laughs and hugs, festive atmosphere",
    ],
    "r2v": [
        "The woman from the photo holds the perfume bottle and smiles at the camera in a sunlit room",
        "The man from the first photo rides the bike from the second photo through a city park",
        "The dog from the photo runs along the beach with the red ball, slow motion",
    ],
    "v2v": [
        "Turn the scene into a snowy winter evening with warm street lights",
        "Restyle the video as a hand-drawn anime",
        "Change the outfit to a black business suit, keep everything else",
        "Make it look like a vintage 8 mm film",
    ],
    "extend": [
        "The camera keeps moving forward as the sun sets",
        "The character waves goodbye and walks out of the frame",
    ],
    "motion": [
        "The character repeats the dance moves from the video",
        "The person from the photo performs the gestures from the video",
    ],
    "t2i": [
        "Minimalist summer sale banner: bright yellow background, sunglasses and a straw hat, "
        "empty space for text",
        "Flat lay of a cosmetics set on a pastel pink background, soft shadows, top view",
        "Cozy coffee shop interior in morning light, photorealistic, Instagram post style",
        "Poster with the headline \"BLACK FRIDAY\" in bold neon letters on a dark background",
        "Photorealistic portrait of a smiling barista in a green apron, shallow depth of field",
        "Isometric illustration of a delivery courier on a scooter, clean vector style",
        "Premium watch on a black stone surface, dramatic rim light, product photography",
    ],
    "edit": [
        "Replace the background with a sunny beach, keep the product unchanged",
        "Make it look like a professional studio shot with soft lighting",
        "Change the jacket color to red and add light snowfall",
        "Remove the people in the background and add a clean white backdrop",
        "Turn the photo into a watercolor illustration",
    ],
    "char": [
        "The same character drinking coffee in a Paris café",
        "The character in a business suit presenting at a conference",
        "The character hiking in the mountains at sunrise",
    ],
    "avatar": [
        "A friendly presenter speaks directly to the camera with natural gestures",
        "The woman talks calmly and smiles, with slight head movements",
        "An energetic host announces a sale, expressive face",
    ],
    "tts": [
        "Привет! Новая коллекция уже в продаже — успейте купить со скидкой 20% до конца недели.",
        "Добро пожаловать в нашу кофейню: свежая выпечка каждое утро и кофе с собой.",
        "Запишитесь на бесплатную консультацию по ссылке в описании.",
    ],
    "sfx": ["Applause in a small concert hall", "A cash register ding followed by coins"],
    "music": ["Upbeat pop jingle for a summer sale, female vocals",
              "Calm lo-fi background for a coffee shop video"],
    "lyrics": ["A cheerful song about the first day of summer",
               "A short jingle about fresh morning coffee"],
}

# ============================================================================ tables: fields

#: reference field → media kind of the file the user sends
MEDIA: dict[str, frozenset[str]] = {
    "image": frozenset({
        "image", "image_url", "image_urls", "input_urls", "image_input", "mask_url",
        "reference_image", "reference_image_urls", "reference_mask_urls", "first_frame",
        "first_frame_url", "last_frame_url", "first_frame_image_url", "last_frame_image_url",
        "end_image_url", "tail_image_url"}),
    "video": frozenset({"video_url", "video_urls", "reference_video", "reference_video_urls",
                        "first_clip_url", "character_file_url"}),
    "audio": frozenset({"audio_url", "driving_audio_url", "reference_voice", "reference_audio_urls",
                        "upload_url"}),
}

#: technical knobs a form may tuck under "more settings"
ADVANCED = frozenset({
    "seed", "nsfw_checker", "enable_safety_checker", "num_inference_steps", "guidance_scale",
    "shift", "acceleration", "sync_mode", "cfg_scale", "output_format", "watermark",
    "prompt_optimizer", "enable_prompt_expansion", "prompt_extend", "expand_prompt", "stability",
    "similarity_boost", "timestamps", "language_code", "web_search", "pe_fast_mode",
    "open_scenedet", "align_audio", "align_audio_reverse", "templ_start_seconds", "separate_vocal",
    "return_last_frame", "negative_prompt", "strength", "thinking_mode", "enable_sequential",
    "prefer_multi_shots", "generate_multi_clip_switch", "multi_shots", "template_id",
    "remove_watermark", "camera_fixed", "fixed_lens", "speed", "style_weight",
    "weirdness_constraint", "audio_weight", "prompt_influence", "temperature", ("style", "number"),
})

T = tuple[str, str]
_IMAGES = (("Изображения", "Images"),
           ("Отправьте одно или несколько изображений", "Send one or more images"))
_IMAGE = (("Изображение", "Image"), ("Отправьте фото или картинку", "Send a photo or a picture"))
_LAST = (("Последний кадр", "Last frame"),
         ("Картинка, которой ролик закончится", "The image the clip ends on"))
_FIRST = (("Первый кадр", "First frame"), ("Картинка, с которой начнётся ролик",
                                          "The image the clip starts from"))
_SOUND = (("Звук", "Sound"), ("Сгенерировать звуковую дорожку", "Generate a sound track"))
_ENHANCE = (("Улучшить промпт", "Enhance prompt"),
            ("Модель сама дополнит описание", "Let the model expand your prompt"))

#: field (or (field, our type)) → (title) or (title, hint), each (ru, en)
FIELD_TEXT: dict[Any, tuple[T, ...]] = {
    "prompt": (("Промпт", "Prompt"), ("Опишите, что должно получиться",
                                       "Describe what you want to get")),
    "text": (("Текст", "Text"), ("Текст для озвучки", "The text to be spoken")),
    "negative_prompt": (("Чего избегать", "Negative prompt"),
                        ("Что не должно попасть в результат", "What must not appear in the result")),
    "aspect_ratio": (("Формат кадра", "Aspect ratio"),),
    "ratio": (("Формат кадра", "Aspect ratio"),),
    "resolution": (("Разрешение", "Resolution"),),
    "image_resolution": (("Разрешение", "Resolution"),),
    "output_resolution": (("Разрешение", "Resolution"),),
    "quality": (("Качество", "Quality"),),
    "duration": (("Длительность, с", "Duration, s"),),
    "n_frames": (("Длительность, с", "Duration, s"),),
    "image_size": (("Размер и формат", "Size and format"),),
    "size": (("Размер", "Size"),),
    "mode": (("Режим", "Mode"),),
    "num_images": (("Сколько картинок", "Number of images"),),
    "n": (("Сколько картинок", "Number of images"),),
    "max_images": (("Сколько картинок (до)", "Images, up to"),
                   ("Модель может вернуть меньше; цена — за указанное число",
                    "The model may return fewer; the price is for this number")),
    "seed": (("Seed", "Seed"), ("Число для повторяемого результата",
                                "A number for reproducible results")),
    "nsfw_checker": (("Фильтр 18+", "NSFW filter"), ("Проверять результат на откровенный контент",
                                                     "Check the result for explicit content")),
    "enable_safety_checker": (("Проверка безопасности", "Safety checker"),),
    "guidance_scale": (("Следование промпту", "Guidance scale"),),
    "cfg_scale": (("Следование промпту", "CFG scale"),
                  ("0 — свободнее, 1 — строже по тексту", "0 — freer, 1 — closer to the text")),
    "num_inference_steps": (("Шаги генерации", "Inference steps"),),
    "shift": (("Сдвиг сэмплера", "Sampler shift"),),
    "acceleration": (("Ускорение", "Acceleration"),),
    "output_format": (("Формат файла", "File format"),),
    "strength": (("Сила изменений", "Strength"),
                 ("Меньше — ближе к исходнику", "Lower keeps closer to the original")),
    "rendering_speed": (("Скорость и качество", "Speed and quality"),),
    ("style", "enum"): (("Стиль", "Style"),),
    ("style", "number"): (("Выразительность", "Style exaggeration"),),
    ("style", "string"): (("Стиль", "Style"),),
    "expand_prompt": _ENHANCE, "prompt_extend": _ENHANCE, "enable_prompt_expansion": _ENHANCE,
    "prompt_optimizer": _ENHANCE,
    "image": _IMAGE, "image_url": _IMAGE,
    "image_urls": _IMAGES, "input_urls": _IMAGES, "image_input": _IMAGES,
    "mask_url": (("Маска", "Mask"), ("Чёрно-белая маска: белым — область, которую менять",
                                     "Black-and-white mask: white marks the area to change")),
    "reference_image_urls": (("Референсы", "Reference images"),
                             ("Фото людей, товаров или стиля для ролика",
                              "Photos of people, products or style to use")),
    "reference_image": (("Референсы", "Reference images"),
                        ("Фото людей, товаров или стиля", "Photos of people, products or style")),
    "reference_mask_urls": (("Маска референса", "Reference mask"),),
    "reference_video_urls": (("Видео-референсы", "Reference videos"),),
    "reference_video": (("Видео-референсы", "Reference videos"),),
    "reference_audio_urls": (("Аудио-референсы", "Reference audio"),
                             ("Голос или музыка для ролика", "Voice or music for the clip")),
    "reference_voice": (("Образец голоса", "Voice sample"),),
    "first_frame_url": _FIRST, "first_frame": _FIRST, "first_frame_image_url": _FIRST,
    "last_frame_url": _LAST, "last_frame_image_url": _LAST, "end_image_url": _LAST,
    "tail_image_url": _LAST,
    "first_clip_url": (("Начальный клип", "Opening clip"),
                       ("Видео, которое ролик продолжит", "A video the clip continues")),
    "driving_audio_url": (("Аудио для движения", "Driving audio"),
                          ("Речь или музыка, под которую двигается кадр",
                           "Speech or music that drives the motion")),
    "audio_url": (("Аудио", "Audio"), ("Отправьте аудиофайл или голосовое",
                                        "Send an audio file or a voice message")),
    "video_url": (("Видео", "Video"), ("Отправьте видеофайл", "Send a video file")),
    "video_urls": (("Видео", "Video"), ("Отправьте видеофайл", "Send a video file")),
    "sound": _SOUND, "audio": _SOUND, "generate_audio": _SOUND, "generate_audio_switch": _SOUND,
    "camera_fixed": (("Статичная камера", "Static camera"),),
    "fixed_lens": (("Статичная камера", "Static camera"),),
    "multi_shots": (("Несколько планов", "Multi-shot"),),
    "generate_multi_clip_switch": (("Несколько клипов", "Multi-clip"),),
    "prefer_multi_shots": (("Несколько планов, если уместно", "Prefer multi-shot"),),
    "remove_watermark": (("Убрать водяной знак", "Remove watermark"),),
    "watermark": (("Водяной знак", "Watermark"),),
    "web_search": (("Поиск в интернете", "Web search"),),
    "thinking_mode": (("Режим рассуждения", "Thinking mode"),),
    "enable_sequential": (("Серия связанных картинок", "Image sequence"),),
    "enable_pro": (("Pro-качество", "Pro quality"),
                   ("Pro: 4 картинки лучшего качества; обычно: 6 картинок",
                    "Pro: 4 better images; standard: 6 images")),
    "template_id": (("Шаблон эффекта", "Effect template"),),
    "upscale_factor": (("Увеличение", "Upscale factor"),),
    "voice": (("Голос", "Voice"),),
    "stability": (("Стабильность голоса", "Voice stability"),),
    "similarity_boost": (("Сходство с голосом", "Similarity boost"),),
    "speed": (("Скорость речи", "Speech speed"),),
    "timestamps": (("Тайм-коды слов", "Word timestamps"),),
    "language_code": (("Язык (код ISO)", "Language (ISO code)"),
                      ("Например, ru или en; пусто — определить автоматически",
                       "e.g. ru or en; empty = detect automatically")),
    "task_id": (("ID задачи", "Task ID"),
                ("ID ранее созданной генерации (из истории)", "ID of an earlier generation "
                                                             "(from history)")),
    # Suno (ai-music-api/*)
    "custom_mode": (("Расширенный режим", "Custom mode"),
                    ("Да — задать стиль, название и текст песни; нет — хватит описания",
                     "Yes: set the style, title and lyrics; no: a description is enough")),
    "instrumental": (("Без вокала", "Instrumental"),),
    "lyrics": (("Текст песни", "Lyrics"),),
    "title": (("Название трека", "Track title"),),
    "tags": (("Стиль (теги)", "Style tags"),),
    "negative_tags": (("Каких стилей избегать", "Styles to avoid"),),
    ("vocal_gender", "enum"): (("Голос вокала", "Vocal gender"),),
    "variety": (("Разнообразие", "Variety"),),
    "style_weight": (("Сила стиля (0–1)", "Style weight (0–1)"),),
    "weirdness_constraint": (("Необычность (0–1)", "Weirdness (0–1)"),),
    "audio_weight": (("Вес исходного аудио (0–1)", "Audio weight (0–1)"),),
    "upload_url": (("Исходный трек", "Source track"),
                   ("Отправьте аудиофайл", "Send an audio file")),
    "default_param_flag": (("Свои параметры продления", "Custom extension settings"),
                           ("Нет — взять стиль исходного трека", "No: keep the source track's style")),
    "continue_at": (("С какой секунды продолжить", "Continue from second"),),
    "sound_loop": (("Зациклить", "Loop"),),
    "sound_tempo": (("Темп, BPM", "Tempo, BPM"),),
    "sound_key": (("Тональность", "Key"),),
    ("model", "enum"): (("Версия модели", "Model version"),),
    ("background", "enum"): (("Фон", "Background"),),
    "extend_at": (("С какой секунды продлить", "Extend from second"),),
    "extend_times": (("На сколько секунд продлить", "Extend by, s"),),
    "character_orientation": (("Ориентация персонажа", "Character orientation"),),
    "audio_setting": (("Звук", "Audio"),),
    "pe_fast_mode": (("Быстрый режим", "Fast mode"),),
    "separate_vocal": (("Отделить голос", "Separate vocals"),),
    "open_scenedet": (("Определять смену сцен", "Scene detection"),),
    "align_audio": (("Подгонять под аудио", "Align to audio"),),
    "align_audio_reverse": (("Обратное выравнивание", "Reverse alignment"),),
    "templ_start_seconds": (("Старт в исходном видео, с", "Start in source video, s"),),
}

#: (field, value) or (model id, field, value) → option label (ru, en); raw values stay where clear
LABELS: dict[tuple[str, ...], T] = {
    ("rendering_speed", "TURBO"): ("Турбо — быстро", "Turbo — fast"),
    ("rendering_speed", "BALANCED"): ("Баланс", "Balanced"),
    ("rendering_speed", "QUALITY"): ("Максимальное качество", "Best quality"),
    ("style", "AUTO"): ("Авто", "Auto"), ("style", "GENERAL"): ("Универсальный", "General"),
    ("style", "REALISTIC"): ("Реализм", "Realistic"), ("style", "DESIGN"): ("Дизайн", "Design"),
    ("style", "FICTION"): ("Фэнтези", "Fiction"),
    ("image_size", "square"): ("Квадрат 1:1", "Square 1:1"),
    ("image_size", "square_hd"): ("Квадрат 1:1 HD", "Square 1:1 HD"),
    ("image_size", "portrait_4_3"): ("Вертикаль 3:4", "Portrait 3:4"),
    ("image_size", "portrait_3_2"): ("Вертикаль 2:3", "Portrait 2:3"),
    ("image_size", "portrait_16_9"): ("Вертикаль 9:16", "Portrait 9:16"),
    ("image_size", "landscape_4_3"): ("Горизонталь 4:3", "Landscape 4:3"),
    ("image_size", "landscape_3_2"): ("Горизонталь 3:2", "Landscape 3:2"),
    ("image_size", "landscape_16_9"): ("Горизонталь 16:9", "Landscape 16:9"),
    ("image_size", "landscape_21_9"): ("Широкий 21:9", "Wide 21:9"),
    ("acceleration", "none"): ("Без ускорения", "None"),
    ("acceleration", "regular"): ("Обычное", "Regular"),
    ("acceleration", "high"): ("Сильное (ниже качество)", "High (lower quality)"),
    ("quality", "medium"): ("Стандартное", "Medium"), ("quality", "high"): ("Высокое", "High"),
    ("quality", "basic"): ("Базовое", "Basic"), ("quality", "ultra"): ("Ультра", "Ultra"),
    ("aspect_ratio", "portrait"): ("Вертикальный", "Portrait"),
    ("aspect_ratio", "landscape"): ("Горизонтальный", "Landscape"),
    ("aspect_ratio", "auto"): ("Авто", "Auto"),
    ("aspect_ratio", "adaptive"): ("Авто (по входным файлам)", "Auto (from inputs)"),
    ("size", "standard"): ("Стандарт (~720p)", "Standard (~720p)"),
    ("size", "high"): ("Высокое (~1080p)", "High (~1080p)"),
    ("upscale_factor", "1"): ("×1 — только улучшить", "×1 — enhance only"),
    ("upscale_factor", "2"): ("×2", "×2"), ("upscale_factor", "4"): ("×4", "×4"),
    ("output_resolution", "720"): ("720p", "720p"), ("output_resolution", "1080"): ("1080p", "1080p"),
    ("audio_setting", "auto"): ("Сгенерировать заново", "Generate new"),
    ("audio_setting", "origin"): ("Оставить оригинальный", "Keep the original"),
    ("character_orientation", "image"): ("Как на фото", "As in the image"),
    ("character_orientation", "video"): ("Как в видео", "As in the video"),
    ("vocal_gender", "m"): ("Мужской", "Male"), ("vocal_gender", "f"): ("Женский", "Female"),
    ("background", "transparent"): ("Прозрачный", "Transparent"),
    ("background", "opaque"): ("Непрозрачный", "Opaque"), ("background", "auto"): ("Авто", "Auto"),
    ("mode", "fun"): ("Весёлый", "Fun"), ("mode", "normal"): ("Обычный", "Normal"),
    ("mode", "spicy"): ("Пикантный", "Spicy"),
    ("mode", "lite"): ("Lite — быстрее", "Lite — faster"),
    ("mode", "basic"): ("Basic — качественнее", "Basic — better quality"),
    ("mode", "std"): ("Стандарт (720p)", "Standard (720p)"), ("mode", "pro"): ("Pro (1080p)", "Pro (1080p)"),
    ("seedream/4.5-edit", "quality", "basic"): ("Базовое (2K)", "Basic (2K)"),
    ("seedream/4.5-edit", "quality", "high"): ("Высокое (4K)", "High (4K)"),
    ("seedream/4.5-text-to-image", "quality", "basic"): ("Базовое (2K)", "Basic (2K)"),
    ("seedream/4.5-text-to-image", "quality", "high"): ("Высокое (4K)", "High (4K)"),
    ("seedream/5-lite-image-to-image", "quality", "basic"): ("Базовое (2K)", "Basic (2K)"),
    ("seedream/5-lite-image-to-image", "quality", "high"): ("Высокое (3K)", "High (3K)"),
    ("seedream/5-lite-image-to-image", "quality", "ultra"): ("Ультра (4K)", "Ultra (4K)"),
    ("seedream/5-lite-text-to-image", "quality", "basic"): ("Базовое (2K)", "Basic (2K)"),
    ("seedream/5-lite-text-to-image", "quality", "high"): ("Высокое (3K)", "High (3K)"),
    ("seedream/5-lite-text-to-image", "quality", "ultra"): ("Ультра (4K)", "Ultra (4K)"),
    ("seedream/5-pro-image-to-image", "quality", "basic"): ("Базовое (1K)", "Basic (1K)"),
    ("seedream/5-pro-image-to-image", "quality", "high"): ("Высокое (2K)", "High (2K)"),
    ("seedream/5-pro-text-to-image", "quality", "basic"): ("Базовое (1K)", "Basic (1K)"),
    ("seedream/5-pro-text-to-image", "quality", "high"): ("Высокое (2K)", "High (2K)"),
}


def vendor_of(ref: dict[str, Any]) -> str:
    """The reference's vendor, minus research remarks; Suno for the ai-music-api family."""
    if ref["id"].startswith("ai-music-api/"):
        return "Suno"
    return re.sub(r"\s*\(vendor not stated in sources\)", "", ref["vendor"])


def family_of(ref: dict[str, Any]) -> str:
    return "Suno" if ref["id"].startswith("ai-music-api/") else ref["family"]

# ============================================================================ tables: adjustments

_CAP = "a product limit, not from the reference: the price is per second of this media"
_MULTI = "only meaningful with multi_prompt (a list of shots), which a chat cannot collect"
_VIDEO_REF = ("video references are billed at another per-second rate that also counts the "
              "input video's length; left out so the price is known before generation")
_KEEP_720_1080 = {"keep_options": ["720p", "1080p"]}
_KEEP_480_720 = {"keep_options": ["480p", "720p"]}
_TTS_OMIT = {"previous_text": "context for stitching several requests; a chat sends one text",
             "next_text": "context for stitching several requests; a chat sends one text"}
_AVATAR_15 = {"fields": {"audio_url": {"max_seconds": 15}},
              "notes": ["audio_url max_seconds 15: the reference prices this model 'up to 15 s'"]}
_SEEDANCE_2 = {"omit": {"reference_video_urls": _VIDEO_REF},
               "notes": ["prompt is asked as required: every Seedance 2 mode is driven by the "
                         "prompt (min 3 characters), the reference only under-declares it"]}
_WAN_3 = {
    "fields": {"prompt": {"required": True}, "duration": {"minimum": 2},
               "last_frame_url": {"requires": ["first_frame_url"]},
               "reference_image_urls": {"excludes": ["first_frame_url"]},
               "reference_audio_urls": {"excludes": ["first_frame_url"]}},
    "omit": {"reference_video_urls": "billed seconds = output + reference-video duration "
                                     "(input_constraints); left out so the price is known",
             "reference_file_urls": "documents are not media the bot collects",
             "reference_link_urls": "web links, not files"},
    "notes": ["prompt asked as required (the reference: 'required for text-to-video')",
              "duration minimum 2 (reference: 2-30 s without video input; -1 'model decides' "
              "is not offered because its price is unknown)",
              "input_constraints: last frame needs a first frame; first/last frame are not "
              "combined with reference_* inputs"],
}


def _seedance(duration_max: int) -> dict[str, Any]:
    return {**_SEEDANCE_2, "fields": {"prompt": {"required": True},
                                      "duration": {"minimum": 4, "maximum": duration_max}}}


_SUNO_MODES = ("Suno's modes from the docs: custom mode asks for style and title (a plain description "
               "otherwise); a vocal gender only for songs with vocals")
_EARLIER_SUNO = ("needs the ids of an earlier Suno generation (task_id, audio_id), which a chat user "
                 "does not have")
OVERRIDES: dict[str, dict[str, Any]] = {
    # Suno on createTask (scripts/verified/audio.yaml)
    "ai-music-api/extend": {"disable": _EARLIER_SUNO},
    "ai-music-api/timeStamped-lyrics": {"disable": _EARLIER_SUNO},
    "ai-music-api/convert-to-wav-format": {"disable": _EARLIER_SUNO},
    "ai-music-api/create-music-video": {"disable": _EARLIER_SUNO},
    "ai-music-api/generate": {
        "fields": {"prompt": {"ask_when": {"custom_mode": [False]}, "required": True},
                   "style": {"ask_when": {"custom_mode": [True]}, "required": True},
                   "title": {"ask_when": {"custom_mode": [True]}, "required": True},
                   "lyrics": {"ask_when": {"custom_mode": [True], "instrumental": [False]}},
                   "vocal_gender": {"ask_when": {"instrumental": [False]}},
                   "duration": {"ask_when": {"custom_mode": [True]}},
                   "variety": {"ask_when": {"custom_mode": [True]}}},
        "notes": [_SUNO_MODES, "duration and variety only in custom mode (the docs)"]},
    "ai-music-api/upload-and-cover-audio": {
        "fields": {"style": {"ask_when": {"custom_mode": [True]}, "required": True},
                   "title": {"ask_when": {"custom_mode": [True]}, "required": True},
                   "vocal_gender": {"ask_when": {"instrumental": [False]}}},
        "notes": [_SUNO_MODES]},
    "ai-music-api/generate-lyrics": {
        "disable": "text result: the lyrics come back as text, and delivery sends files only"},
    # Runway and Gemini Omni (scripts/verified/video_b.yaml)
    "runway": {
        "omit": {"watermark": "a text stamped on the video; a chat user does not need it"},
        "fields": {"aspect_ratio": {"excludes": ["image_url"]}},
        "notes": ["aspect_ratio is not asked with a photo: the docs say it is ignored then",
                  "10 s at 1080p is refused by Kie (before any charge); the form cannot forbid "
                  "that pair"]},
    "runway/gen4-aleph": {
        "omit": {"watermark": "a text stamped on the video; a chat user does not need it",
                 "upload_cn": "which Kie region stores the result; not the user's concern"}},
    "google/gemini-omni-flash-1-1": {
        "fields": {"image_urls": {"excludes": ["first_frame_url"]},
                   "last_frame_url": {"requires": ["first_frame_url"]}},
        "notes": ["image_urls (references) and first_frame_url exclude each other; last_frame_url "
                  "needs first_frame_url (the docs' field descriptions)"]},
    "elevenlabs/audio-isolation": {"fields": {"audio_url": {"max_seconds": 300}},
                                   "notes": [f"audio_url max_seconds 300: {_CAP}"]},
    "elevenlabs/text-to-speech-multilingual-v2": {"omit": _TTS_OMIT},
    "elevenlabs/text-to-speech-turbo-2-5": {"omit": _TTS_OMIT},
    "infinitalk/from-audio": _AVATAR_15,
    "kling/ai-avatar-pro": _AVATAR_15,
    "kling/ai-avatar-standard": _AVATAR_15,
    "kling/ai-avatar-v1-pro": _AVATAR_15,
    "kling/v1-avatar-standard": _AVATAR_15,
    "omnihuman-1-5": {"fields": {"audio_url": {"max_seconds": 30}},
                      "notes": [f"audio_url max_seconds 30: {_CAP}"]},
    "volcengine/video-to-video-lip-sync": {
        "fields": {"video_url": {"max_seconds": 60}, "audio_url": {"max_seconds": 60}},
        "notes": [f"video_url and audio_url max_seconds 60: {_CAP}"]},
    "wan/2-2-a14b-speech-to-video-turbo": {
        "omit": {"num_frames": "kept at Kie's default (80 frames at 16 fps = 5 s) so the "
                               "per-second price is known",
                 "frames_per_second": "kept at Kie's default (16 fps), see num_frames"}},
    "bytedance/seedream-v4-edit": {"fields": {"max_images": {"type": "integer"}}},
    "bytedance/seedream-v4-text-to-image": {"fields": {"max_images": {"type": "integer"}}},
    "qwen/image-edit": {"omit": {"sync_mode": "its reference description belongs to another "
                                              "model; a chat does not need it"}},
    "qwen/image-to-image": {"disable": "price unknown before generation: billed per megapixel of "
                                       "an output that keeps the uploaded image's size, and the "
                                       "reference gives no size limit"},
    "grok-imagine-video-1-5-preview": {
        "fields": {"resolution": _KEEP_480_720, "prompt": {"required_unless": ["image_urls"]}},
        "notes": ["1080p not offered: the reference has no price for it",
                  "prompt is required when no image is sent: the reference marks both optional, "
                  "but a request with neither has nothing to generate from"]},
    "grok-imagine/image-to-video": {
        "omit": {"task_id": "the photo path is offered instead: a chat user has no Kie task id",
                 "index": "belongs to task_id"},
        "fields": {"image_urls": {"required": True},
                   "duration": {"type": "integer", "minimum": 6, "maximum": 30, "send_as": "string",
                                "required": True},
                   "resolution": _KEEP_480_720},
        "notes": ["image_urls asked as required: the other way in (task_id) is left out",
                  "duration 6-30 s from the reference description; sent as a string as the "
                  "docs' example does", "1080p not offered: no price in the reference"]},
    "grok-imagine/text-to-video": {
        "fields": {"duration": {"type": "integer", "minimum": 6, "maximum": 30},
                   "resolution": _KEEP_480_720},
        "notes": ["duration 6-30 s from the reference description", "1080p not offered: no price "
                                                                    "in the reference"]},
    "grok-imagine/upscale": {"omit": {"resolution": "1080p has no price in the reference; Kie's "
                                                    "default 720p (the priced one) applies"}},
    "grok-imagine/extend": {
        "fields": {"extend_times": {"type": "enum", "options": [6, 10], "required": True}},
        "notes": ["extend_times offered as 6 or 10 s: the older docs' enum and the only priced "
                  "lengths"]},
    "hailuo/2-3-image-to-video-pro": {
        "fields": {"duration": {"ask_when": {"resolution": ["768P"]}}},
        "notes": ["10 s is offered at 768P only: the reference prices no 10 s 1080P video"]},
    "hailuo/2-3-image-to-video-standard": {
        "fields": {"duration": {"ask_when": {"resolution": ["768P"]}}},
        "notes": ["10 s is offered at 768P only: the reference prices no 10 s 1080P video"]},
    "happyhorse-1-1/image-to-video": {"fields": {"duration": {"type": "integer"}}},
    "happyhorse-1-1/reference-to-video": {"fields": {"duration": {"type": "integer"}}},
    "happyhorse-1-1/text-to-video": {"fields": {"duration": {"type": "integer"}}},
    "happyhorse/video-edit": {"fields": {"video_url": {"max_seconds": 15}},
                              "notes": [f"video_url max_seconds 15: {_CAP}"]},
    "kling-2.6/motion-control": {"fields": {"video_urls": {"max_seconds": 30}},
                                 "notes": [f"video_urls max_seconds 30: {_CAP}"]},
    "kling-3.0/motion-control": {
        "omit": {"mode": "free text whose values the reference does not give",
                 "character_orientation": "free text whose values the reference does not give",
                 "background_source": "free text whose values the reference does not give"},
        "fields": {"video_urls": {"max_seconds": 30}},
        "notes": [f"video_urls max_seconds 30: {_CAP}",
                  "priced at the 1080p rate: Kie's default quality mode is not stated"]},
    "kling-3.0-omni/image-to-video": {
        "omit": {"customize_multi_shots": _MULTI},
        "fields": {"resolution": _KEEP_720_1080,
                   "image_urls": {"max_items": 2,
                                  "hint": {"ru": "1 фото — первый кадр; 2 фото — первый и "
                                                 "последний кадр",
                                           "en": "1 image: first frame; 2 images: first and last "
                                                 "frame"}}},
        "notes": ["image_urls takes 1 or 2 images: the reference's two input variants (first "
                  "frame; first and last frame)", "4k not offered: no price in the reference"]},
    "kling-3.0-omni/reference-to-video": {
        "omit": {"customize_multi_shots": _MULTI,
                 "video_urls": "the video-input variants are left out: their output length and "
                               "billing are not stated"},
        "fields": {"resolution": _KEEP_720_1080, "image_urls": {"required": True, "min_items": 1}},
        "notes": ["the 'No Video Input' variant: prompt and image_urls required",
                  "4k not offered: no price in the reference"]},
    "kling-3.0-omni/text-to-video": {
        "omit": {"customize_multi_shots": _MULTI}, "fields": {"resolution": _KEEP_720_1080},
        "notes": ["4k not offered: no price in the reference"]},
    "kling/v3-turbo-image-to-video": {
        "fields": {"duration": {"type": "integer", "minimum": 3, "maximum": 15, "default": 5,
                                "send_as": "string"}},
        "notes": ["duration: the reference's string field holds 3-15 s; asked as a number, sent "
                  "as a string"]},
    "kling/v3-turbo-text-to-video": {
        "fields": {"duration": {"type": "integer", "minimum": 3, "maximum": 15, "default": 5,
                                "send_as": "string"}},
        "notes": ["duration: the reference's string field holds 3-15 s; asked as a number, sent "
                  "as a string"]},
    "minimax-h3/reference-to-video": {
        "fields": {"reference_video_urls": {"required_unless": ["reference_image_urls"]}},
        "notes": ["input_constraints: at least one of reference_image_urls, reference_video_urls"]},
    "gemini-omni-video": {"modes": ["text-to-video", "image-to-video", "reference-to-video"],
                          "notes": ["video-to-video not offered: video_list is a list of objects"]},
    "wan/2-7-r2v": {"omit": {"reference_video": "its billing is not stated (Wan 3.0 bills "
                                                "reference-video seconds on top)"}},
    "bytedance/seedance-1.5-pro": {"fields": {"duration": {"type": "integer"}}},
    "bytedance/seedance-2": _seedance(15),
    "bytedance/seedance-2-5": _seedance(30),
    "bytedance/seedance-2-fast": _seedance(15),
    "bytedance/seedance-2-mini": _seedance(15),
    "wan/3-0-video": _WAN_3,
    "wan/3-0-video-prime": {**_WAN_3, "omit": {
        **_WAN_3["omit"], "resolution": "only 1080P is priced; it is Kie's default"}},
    "topaz/video-upscale": {"fields": {"video_url": {"max_seconds": 60}},
                            "notes": [f"video_url max_seconds 60: {_CAP}"]},
    "sora-2-pro-image-to-video": {"fields": {"size": {"title": {"ru": "Качество",
                                                                "en": "Quality"}}}},
    "sora-2-pro-text-to-video": {"fields": {"size": {"title": {"ru": "Качество",
                                                               "en": "Quality"}}}},
    "sora-watermark-remover": {
        "fields": {"video_url": {"type": "string", "media": None, "max_mb": None,
                                 "accept": None, "max_length": 500,
                                 "title": {"ru": "Ссылка на видео Sora", "en": "Sora video link"},
                                 "hint": {"ru": "Публичная ссылка sora.chatgpt.com/…",
                                          "en": "A public sora.chatgpt.com/… share link"}}},
        "notes": ["video_url is a Sora share link, not an uploaded file"]},
    "wan/2-2-animate-move": {"fields": {"video_url": {"max_seconds": 30}},
                             "notes": [f"video_url max_seconds 30: {_CAP}"]},
    "wan/2-2-animate-replace": {"fields": {"video_url": {"max_seconds": 30}},
                                "notes": [f"video_url max_seconds 30: {_CAP}"]},
    "wan/2-7-videoedit": {"fields": {"video_url": {"max_seconds": 10}},
                          "notes": ["video_url max_seconds 10: the output is at most 10 s; "
                                    "duration 0 keeps the input's length, priced per second of it"]},
}

# ============================================================================ tables: prices

#: reference price source prefix → how a YAML reader should see it
PRICE_SOURCES = {
    "HEN": "Kie pricing table 2026-06-30",
    "GM": "Kie pricing snapshot 2026-10-07",
    "SEED": "Kie pricing table 2025-12-21 (seed project)",
    "MISC": "client code citing Kie pricing, Sep 2026",
}
JAN_2026 = ("Kie price dump 2026-01-15 (shared/reference/seed_price_list_2026-01-15.txt, "
            "RUB / 157.14); kie_models.json has no price for this model")
_TOP = "the reference gives only a range; the top of it is charged"
_NO_VIDEO_RATE = "the 'no video input' rates (video references are not offered)"


def C(credits: float, per: str | list[str] | None = None, unit: int | None = None,
      **when: Any) -> dict[str, Any]:
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


def by(field: str, table: dict[Any, float], per: str | None = None) -> list[dict[str, Any]]:
    return [C(v, per=per, **{field: k}) for k, v in table.items()]


def grid(first: str, second: str, table: dict[tuple[Any, Any], float],
         per: str | None = None) -> list[dict[str, Any]]:
    return [C(v, per=per, **{first: a, second: b}) for (a, b), v in table.items()]


def P(cases: list[dict[str, Any]], note: str | None = None, source: str | None = None,
      extra: Iterable[float] = ()) -> dict[str, Any]:
    return {"cases": cases, "note": note, "source": source, "extra_credits": list(extra)}


_IDEO_CHAR = {"TURBO": 12, "BALANCED": 18, "QUALITY": 24}
_IDEO_V3 = {"TURBO": 3.5, "BALANCED": 7, "QUALITY": 10}
_SEEDANCE_LITE = {("5", "480p"): 10, ("5", "720p"): 22.5, ("5", "1080p"): 50,
                  ("10", "480p"): 20, ("10", "720p"): 45, ("10", "1080p"): 100}
_SEEDANCE_PRO = {("5", "480p"): 14, ("5", "720p"): 30, ("5", "1080p"): 70,
                 ("10", "480p"): 28, ("10", "720p"): 60, ("10", "1080p"): 140}
_WAN_26 = {("5", "720p"): 70, ("10", "720p"): 140, ("15", "720p"): 210,
           ("5", "1080p"): 104.5, ("10", "1080p"): 209.5, ("15", "1080p"): 315}
_WAN_25 = {("5", "720p"): 60, ("10", "720p"): 120, ("5", "1080p"): 100, ("10", "1080p"): 200}
_KLING_26 = {("5", False): 55, ("5", True): 110, ("10", False): 110, ("10", True): 220}
_SORA_PRO = {("standard", "10"): 150, ("standard", "15"): 270, ("high", "10"): 330,
             ("high", "15"): 630}
_KLING_OMNI = P([C(27, per="duration", audio=True), C(18, per="duration", audio=False)],
                note="the reference prices 1080p only; 720p is charged the same (upper bound)")
_MEGAPIXEL = ("billed per megapixel of output: square_hd (1024x1024, 1.05 MP) counts as 2 MP, "
              "every other preset is under 1 MP and counts as 1 (rounded up)")

PRICES: dict[str, dict[str, Any]] = {
    # audio
    "elevenlabs/audio-isolation": P([C(0.2, per="audio_url")]),
    "elevenlabs/text-to-speech-multilingual-v2": P([C(12, per="text", unit=1000)]),
    "elevenlabs/text-to-speech-turbo-2-5": P([C(6, per="text", unit=1000)]),
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
             "them; which one is not stated)"),
    "wan/2-2-a14b-speech-to-video-turbo": P(
        by("resolution", {"480p": 60, "580p": 90, "720p": 120}),
        note="12/18/24 credits per second x 5 s (80 frames at 16 fps, Kie's defaults)",
        extra=(60, 90, 120)),
    # image edit
    "bytedance/seedream-v4-edit": P(
        [C(5, per="max_images")], source=JAN_2026, extra=(5,),
        note="per image, charged for max_images; the seed catalog's 6.5 contradicts the dump"),
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
    "qwen/image-edit": P([C(12, per="num_images", image_size="square_hd"),
                          C(6, per="num_images")], note=_MEGAPIXEL, extra=(12,)),
    "qwen2/image-edit": P([C(5.6)]),
    "recraft/remove-background": P([C(1)]),
    "seedream/4.5-edit": P([C(6.5)]),
    "seedream/5-lite-image-to-image": P([C(5.5)]),
    "seedream/5-pro-image-to-image": P(by("quality", {"basic": 7, "high": 14}),
                                       note="basic = 1K, high = 2K (the field's description)"),
    # image to video
    "bytedance/v1-lite-image-to-video": P(grid("duration", "resolution", _SEEDANCE_LITE)),
    "bytedance/v1-pro-fast-image-to-video": P(grid("duration", "resolution", {
        ("5", "720p"): 16, ("10", "720p"): 36, ("5", "1080p"): 36, ("10", "1080p"): 72})),
    "bytedance/v1-pro-image-to-video": P(grid("duration", "resolution", _SEEDANCE_PRO)),
    "grok-imagine-video-1-5-preview": P(
        by("resolution", {"480p": 1.6, "720p": 4.5}, per="duration"),
        note="720p at the Oct-2026 rate (4.5; the Jun-2026 table said 3)"),
    "grok-imagine/image-to-video": P(by("resolution", {"480p": 1.6, "720p": 3}, per="duration")),
    "hailuo/02-image-to-video-pro": P([C(57)], note="6 s 1080p, the only output"),
    "hailuo/02-image-to-video-standard": P(
        grid("duration", "resolution", {("6", "512P"): 12, ("10", "512P"): 20,
                                        ("10", "768P"): 50, ("6", "768P"): 50}),
        note="6 s at 768P has no price in the reference; the 10 s price is charged (upper bound)"),
    "hailuo/2-3-image-to-video-pro": P(
        [C(45, duration="6", resolution="768P"), C(90, duration="10", resolution="768P"),
         C(80, resolution="1080P")]),
    "hailuo/2-3-image-to-video-standard": P(
        [C(30, duration="6", resolution="768P"), C(50, duration="10", resolution="768P"),
         C(50, resolution="1080P")]),
    "happyhorse-1-1/image-to-video": P(by("resolution", {"1080p": 29, "720p": 22.5},
                                          per="duration")),
    "happyhorse-1-1/reference-to-video": P(by("resolution", {"1080p": 29, "720p": 22.5},
                                              per="duration")),
    "happyhorse/image-to-video": P(by("resolution", {"1080p": 48, "720p": 28}, per="duration")),
    "happyhorse/reference-to-video": P(by("resolution", {"1080p": 48, "720p": 28},
                                          per="duration")),
    "kling-2.6/image-to-video": P(grid("duration", "sound", _KLING_26)),
    "kling-3.0-omni/image-to-video": _KLING_OMNI,
    "kling-3.0-omni/reference-to-video": _KLING_OMNI,
    "kling/v2-1-master-image-to-video": P(by("duration", {"5": 160, "10": 320})),
    "kling/v2-1-pro": P(by("duration", {"5": 50, "10": 100})),
    "kling/v2-1-standard": P(by("duration", {"5": 25, "10": 50})),
    "kling/v2-5-turbo-image-to-video-pro": P(by("duration", {"5": 42, "10": 84})),
    "kling/v3-turbo-image-to-video": P(by("resolution", {"1080p": 22.5, "720p": 18},
                                          per="duration")),
    "minimax-h3/image-to-video": P(by("resolution", {"768P": 8, "2K": 13}, per="duration")),
    "minimax-h3/reference-to-video": P(by("resolution", {"768P": 8, "2K": 13}, per="duration")),
    "sora-2-image-to-video": P(by("n_frames", {"10": 20, "15": 25}),
                               note="the reference assumes the text-to-video prices"),
    "sora-2-pro-image-to-video": P(grid("size", "n_frames", _SORA_PRO)),
    "wan/2-2-a14b-image-to-video-turbo": P(by("resolution", {"480p": 40, "720p": 80}),
                                           note="5 s clips"),
    "wan/2-5-image-to-video": P(grid("duration", "resolution", _WAN_25)),
    "wan/2-6-image-to-video": P(grid("duration", "resolution", _WAN_26)),
    "wan/2-7-image-to-video": P(by("resolution", {"1080p": 24, "720p": 16}, per="duration")),
    "wan/2-7-r2v": P(by("resolution", {"1080p": 24, "720p": 16}, per="duration")),
    # text to image
    "bytedance/seedream": P([C(3.5)], source=JAN_2026, extra=(3.5,)),
    "bytedance/seedream-v4-text-to-image": P([C(5, per="max_images")], source=JAN_2026,
                                             extra=(5,), note="per image, charged for max_images"),
    "flux-2/flex-text-to-image": P(by("resolution", {"1K": 14, "2K": 24})),
    "flux-2/pro-text-to-image": P(by("resolution", {"1K": 5, "2K": 7})),
    "google/imagen4": P([C(8)]),
    "google/imagen4-fast": P([C(4)]),
    "google/imagen4-ultra": P([C(12)]),
    "google/nano-banana": P([C(4)]),
    "gpt-image-2-text-to-image": P(by("resolution", {"1K": 6, "2K": 10, "4K": 16})),
    "gpt-image/1.5-text-to-image": P(by("quality", {"medium": 4, "high": 22})),
    "grok-imagine-image-2-0/text-to-image": P([C(4)]),
    "grok-imagine/text-to-image": P(by("enable_pro", {False: 4, True: 5}),
                                    note="standard = 6 images per request, Pro = 4 images"),
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
    "seedream/5-pro-text-to-image": P(by("quality", {"basic": 7, "high": 14}),
                                      note="basic = 1K, high = 2K (the field's description)"),
    "wan/2-7-image": P([C(4.8, per="n")]),
    "wan/2-7-image-pro": P([C(12, per="n")]),
    "z-image": P([C(0.8)]),
    # text to video
    "bytedance/seedance-1.5-pro": P(grid("resolution", "generate_audio", {
        ("480p", False): 1.75, ("480p", True): 3.5, ("720p", False): 3.5, ("720p", True): 7,
        ("1080p", False): 7.5, ("1080p", True): 15}, per="duration")),
    "bytedance/seedance-2": P(by("resolution", {"480p": 19, "720p": 41, "1080p": 102, "4k": 208},
                                 per="duration"), note=_NO_VIDEO_RATE),
    "bytedance/seedance-2-5": P(by("resolution", {"480p": 28, "720p": 63, "1080p": 158},
                                   per="duration"), note=_NO_VIDEO_RATE),
    "bytedance/seedance-2-fast": P(by("resolution", {"480p": 15.5, "720p": 33}, per="duration"),
                                   note=_NO_VIDEO_RATE),
    "bytedance/seedance-2-mini": P(by("resolution", {"480p": 9.5, "720p": 20.5}, per="duration"),
                                   note=_NO_VIDEO_RATE),
    "bytedance/v1-lite-text-to-video": P(grid("duration", "resolution", _SEEDANCE_LITE)),
    "bytedance/v1-pro-text-to-video": P(grid("duration", "resolution", _SEEDANCE_PRO)),
    "gemini-omni-video": P(
        [*(C(c, duration=d, resolution=["720p", "1080p"])
           for d, c in (("4", 90), ("6", 120), ("8", 150), ("10", 180))),
         *(C(c, duration=d, resolution="4k")
           for d, c in (("4", 210), ("6", 240), ("8", 270), ("10", 300)))],
        note="the Jun-2026 table (no video input); a client's lower 720p figures are not used"),
    "grok-imagine/text-to-video": P(by("resolution", {"480p": 1.6, "720p": 3}, per="duration")),
    "hailuo/02-text-to-video-pro": P([C(57)], note="6 s 1080p, the only output"),
    "hailuo/02-text-to-video-standard": P(by("duration", {"6": 30, "10": 50})),
    "happyhorse-1-1/text-to-video": P(by("resolution", {"1080p": 29, "720p": 22.5},
                                         per="duration")),
    "happyhorse/text-to-video": P(by("resolution", {"1080p": 48, "720p": 28}, per="duration")),
    "kling-2.6/text-to-video": P(grid("duration", "sound", _KLING_26)),
    "kling-3.0-omni/text-to-video": _KLING_OMNI,
    "kling/v2-1-master-text-to-video": P(by("duration", {"5": 160, "10": 320})),
    "kling/v2-5-turbo-text-to-video-pro": P(by("duration", {"5": 42, "10": 84})),
    "kling/v3-turbo-text-to-video": P(by("resolution", {"1080p": 22.5, "720p": 18},
                                         per="duration")),
    "minimax-h3/text-to-video": P(by("resolution", {"768P": 8, "2K": 13}, per="duration")),
    "sora-2-pro-text-to-video": P(grid("size", "n_frames", _SORA_PRO)),
    "sora-2-text-to-video": P(by("n_frames", {"10": 20, "15": 25})),
    "wan/2-2-a14b-text-to-video-turbo": P(by("resolution", {"480p": 40, "720p": 80}),
                                          note="5 s clips"),
    "wan/2-5-text-to-video": P(grid("duration", "resolution", _WAN_25)),
    "wan/2-6-text-to-video": P(grid("duration", "resolution", _WAN_26)),
    "wan/2-7-text-to-video": P(by("resolution", {"1080p": 24, "720p": 16}, per="duration")),
    "wan/3-0-video": P(by("resolution", {"480P": 8, "720P": 16, "1080P": 32}, per="duration"),
                       note="the 720p figure is marked 'approx.' in the Oct-2026 snapshot"),
    "wan/3-0-video-prime": P([C(50, per="duration")], note="1080P, Kie's default resolution"),
    # upscale
    "grok-imagine/upscale": P([C(10)], note="360p → 720p"),
    "recraft/crisp-upscale": P([C(0.5)]),
    "topaz/image-upscale": P([C(40)], note="priced by output size (2K 10 / 4K 20 / 8K 40), "
                                           "unknown before generation; the 8K worst case is "
                                           "charged"),
    "topaz/video-upscale": P(by("upscale_factor", {"1": 8, "2": 8, "4": 14}, per="video_url")),
    # video to video
    "grok-imagine/extend": P(by("extend_times", {6: 20, 10: 30}),
                             note="the source video's resolution is unknown; the 720p price is "
                                  "charged (480p costs less)"),
    "happyhorse/video-edit": P(by("resolution", {"1080p": 48, "720p": 28}, per="video_url")),
    "kling-2.6/motion-control": P(by("mode", {"720p": 11, "1080p": 18}, per="video_urls")),
    "kling-3.0/motion-control": P([C(27, per="video_urls")]),
    "sora-watermark-remover": P([C(10)]),
    "wan/2-2-animate-move": P(by("resolution", {"480p": 6, "580p": 9.5, "720p": 12.5},
                                 per="video_url")),
    "wan/2-2-animate-replace": P(by("resolution", {"480p": 6, "580p": 9.5, "720p": 12.5},
                                    per="video_url")),
    "wan/2-6-video-to-video": P(grid("duration", "resolution", {
        ("5", "720p"): 70, ("10", "720p"): 140, ("5", "1080p"): 104.5, ("10", "1080p"): 209.5})),
    "wan/2-7-videoedit": P([C(24, per="video_url", duration=0, resolution="1080p"),
                            C(16, per="video_url", duration=0, resolution="720p"),
                            C(24, per="duration", resolution="1080p"),
                            C(16, per="duration", resolution="720p")]),
}

# ============================================================================ conversion

UNCOLLECTABLE = {"object": "object", "object-array": "list", "array-array": "list",
                 "string-array": "list", "integer-array": "list"}
LEGACY_NOTE = "legacy id: not in the Aug-2026 docs, still listed in the playground paths (2026-06)"
PROMPT_FIELDS = ("prompt", "text")
FIELD_KEYS = ["type", "media", "required", "required_unless", "default", "title", "hint", "options",
              "minimum", "maximum", "min_length", "max_length", "min_items", "max_items",
              "accept", "max_mb", "max_seconds", "send_as", "api_name", "ask_when", "requires",
              "excludes", "advanced"]


# ----------------------------------------------------------------------------- fields

def _media_of(name: str) -> str | None:
    for kind, names in MEDIA.items():
        if name in names:
            return kind
    return None


def _text(pair: tuple[str, str]) -> dict[str, str]:
    return {"ru": pair[0], "en": pair[1]}


def _options(model_id: str, name: str, ref: dict[str, Any]) -> list[Any]:
    labels = ref.get("enum_labels") or {}
    seen: dict[str, int] = {}
    options: list[Any] = []
    for value in ref["enum"]:
        pair = LABELS.get((model_id, name, str(value))) or LABELS.get((name, str(value)))
        if pair is None and str(value) in labels:
            label = labels[str(value)]
            seen[label] = seen.get(label, 0) + 1
            if seen[label] > 1:
                label = f"{label} ({seen[label]})"
            pair = (label, label)
        if pair is None:
            options.append(value)
        else:
            options.append({"value": value, "label": pair[0] if pair[0] == pair[1] else _text(pair)})
    return options


def _title(name: str, kind: str) -> dict[str, Any]:
    spec = FIELD_TEXT.get((name, kind)) or FIELD_TEXT.get(name)
    if spec is None:
        return {}
    out: dict[str, Any] = {"title": _text(spec[0])}
    if len(spec) > 1:
        out["hint"] = _text(spec[1])
    return out


def _default_ok(field: dict[str, Any], value: Any) -> bool:
    kind = field["type"]
    if value is None or value == "" or kind in ("file", "files", "list", "object"):
        return False
    if kind == "enum":
        return any(str(o["value"] if isinstance(o, dict) else o) == str(value)
                   for o in field["options"])
    if kind in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        low, high = field.get("minimum"), field.get("maximum")
        return (low is None or value >= low) and (high is None or value <= high)
    if kind == "boolean":
        return isinstance(value, bool)
    return isinstance(value, str)


def convert_field(model_id: str, ref: dict[str, Any]) -> dict[str, Any]:
    """One reference input → a field of ours (its ``type`` may be list/object: uncollectable)."""
    name, kind = ref["name"], ref["type"]
    field: dict[str, Any] = {}
    if kind in UNCOLLECTABLE:
        field["type"] = UNCOLLECTABLE[kind]
    elif kind in ("url", "url-array"):
        media = _media_of(name)
        if media is None:
            field["type"] = "list"
        else:
            field["type"] = "file" if kind == "url" else "files"
            field["media"] = media
    elif kind == "enum":
        field["type"] = "enum"
        field["options"] = _options(model_id, name, ref)
    else:
        field["type"] = kind
    if ref.get("required"):
        field["required"] = True
    field.update(_title(name, field["type"]))
    if name in ADVANCED or (name, field["type"]) in ADVANCED:
        field["advanced"] = True
    low, high = ref.get("min"), ref.get("max")
    if "range_from_description" in ref:
        low, high = ref["range_from_description"]
    if field["type"] in ("integer", "number"):
        if low is not None:
            field["minimum"] = _number(low)
        if high is not None:
            field["maximum"] = _number(high)
    if field["type"] == "string":
        if ref.get("min_length"):
            field["min_length"] = ref["min_length"]
        if ref.get("max_length"):
            field["max_length"] = ref["max_length"]
    if field["type"] in ("file", "files"):
        if ref.get("accepted_mime"):
            field["accept"] = list(ref["accepted_mime"])
        if ref.get("max_file_mb"):
            field["max_mb"] = _number(ref["max_file_mb"])
    if field["type"] == "files":
        if ref.get("min_items"):
            field["min_items"] = ref["min_items"]
        if ref.get("max_items"):
            field["max_items"] = ref["max_items"]
    if _default_ok(field, ref.get("default")):
        field["default"] = ref["default"]
    return field


def _number(value: Any) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _api_safe(name: str) -> tuple[str, str | None]:
    if re.fullmatch(r"[a-z][a-z0-9_]*", name):
        return name, None
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return snake, name


# ----------------------------------------------------------------------------- model

class Model:
    """One reference entry on its way to a catalog entry."""

    def __init__(self, ref: dict[str, Any]) -> None:
        self.ref = ref
        self.id: str = ref["id"]
        self.over: dict[str, Any] = OVERRIDES.get(self.id, {})
        self.notes: list[str] = []
        self.blockers: list[str] = []
        self.fields: dict[str, dict[str, Any]] = {}
        self.price: dict[str, Any] | None = None

    # -- inputs
    def build_inputs(self) -> None:
        omit: dict[str, str] = self.over.get("omit", {})
        for ref in self.ref["inputs"]:
            name, api_name = _api_safe(ref["name"])
            if ref["name"] in omit:
                self.notes.append(f"omitted {ref['name']}: {omit[ref['name']]}")
                continue
            if ref.get("deprecated"):
                self.notes.append(f"omitted {ref['name']}: deprecated in the reference")
                continue
            field = convert_field(self.id, ref)
            if api_name:
                field["api_name"] = api_name
            if field["type"] in ("list", "object"):
                what = ("a document or web link" if ref["type"].startswith("url")
                        else f"an {ref['type']}" if ref["type"][0] in "aeiou"
                        else f"a {ref['type']}")
                if ref.get("required"):
                    self.blockers.append(f"{ref['name']} ({what})")
                elif self.ref["schema_confidence"] not in ("low", "none"):
                    self.notes.append(f"omitted {ref['name']}: {what}, which a chat cannot collect")
                    continue
            self.fields[name] = field
        for name, patch in self.over.get("fields", {}).items():
            if name not in self.fields:
                raise SystemExit(f"{self.id}: override for unknown field {name}")
            self._patch(name, patch)

    def _patch(self, name: str, patch: dict[str, Any]) -> None:
        field = self.fields[name]
        for key, value in patch.items():
            if key == "keep_options":
                field["options"] = [o for o in field["options"]
                                    if str(o["value"] if isinstance(o, dict) else o) in value]
                if "default" in field and str(field["default"]) not in value:
                    del field["default"]
            elif key == "type" and value in ("integer", "number") and field["type"] == "string":
                field["type"] = value
                field.pop("max_length", None)
            elif value is None:
                field.pop(key, None)
            else:
                field[key] = value
        if field.get("type") == "enum" and "options" not in field:
            raise SystemExit(f"{self.id}: {name} became an enum without options")

    # -- price
    def build_price(self) -> None:
        spec = PRICES.get(self.id) or self.ref.get("verified_rule")
        if spec is None:
            return
        rows = self.ref.get("price") or []
        if self.ref.get("verified_source"):
            rows = [r for r in rows if r["source"].startswith("VERIFIED:")]
            sources = [f"{self.ref['verified_file']}: {self.ref['verified_source']}"]
        else:
            sources = sorted({PRICE_SOURCES[r["source"].split(":")[0]] for r in rows})
        source = spec.get("source") or "; ".join(sources)
        self.price = {"source": source}
        if spec.get("note"):
            self.price["note"] = spec["note"]
        self.price["cases"] = spec["cases"]
        for case in spec["cases"]:
            for name in [*case.get("when", {}), *_per(case)]:
                if name not in self.fields:
                    raise SystemExit(f"{self.id}: price names unknown field {name}")
        self._check_against_reference(spec, rows)

    def _check_against_reference(self, spec: dict[str, Any], rows: list[dict[str, Any]]) -> None:
        """Every figure we charge is one the sources give (or one we explained)."""
        known = {Decimal(str(r["credits"])) for r in rows}
        known |= {Decimal(str(v)) for v in spec.get("extra_credits", ())}
        for case in spec["cases"]:
            if Decimal(str(case["credits"])) not in known:
                raise SystemExit(f"{self.id}: {case['credits']} credits is not in the sources")

    def require_priced_fields(self) -> None:
        """A price must never rest on a field the user may leave empty."""
        if self.price is None:
            return
        for case in self.price["cases"]:
            for name in [*case.get("when", {}), *_per(case)]:
                field = self.fields[name]
                if not field.get("required") and "default" not in field:
                    field["required"] = True
                    self.notes.append(f"{name} is asked (optional at Kie, no default) because the "
                                      f"price depends on it")

    # -- order
    def ordered_fields(self) -> dict[str, dict[str, Any]]:
        return {name: {k: field[k] for k in sorted(field, key=FIELD_KEYS.index)}
                for name, field in self._ordered().items()}

    def _ordered(self) -> dict[str, dict[str, Any]]:
        names = list(self.fields)

        def rank(name: str) -> tuple[int, int, int, int]:
            field = self.fields[name]
            return (0 if name in PROMPT_FIELDS else 1, 0 if field.get("required") else 1,
                    1 if field.get("advanced") else 0, names.index(name))

        placed: dict[str, dict[str, Any]] = {}

        def place(name: str, path: tuple[str, ...]) -> None:
            if name in placed or name in path:
                return
            field = self.fields[name]
            for other in [*field.get("ask_when", {}), *field.get("requires", []),
                          *field.get("excludes", []), *field.get("required_unless", [])]:
                if other in self.fields:
                    place(other, (*path, name))
            placed[name] = field

        for name in sorted(names, key=rank):
            place(name, ())
        return placed

    # -- status
    def status(self) -> tuple[bool, str | None]:
        confidence = self.ref["schema_confidence"]
        if self.over.get("disable"):
            return False, self.over["disable"]
        if confidence == "none":
            return False, "id only: the reference has no input schema and no price for this id"
        if confidence == "low":
            return False, ("low-confidence schema: fields rebuilt from secondary sources — "
                           f"{_short(self.ref['status'])}; verify them against docs.kie.ai "
                           "before enabling")
        if self.blockers:
            return False, ("uncollectable input: requires " + ", ".join(self.blockers)
                           + ", which a chat cannot collect")
        if self.price is None:
            return False, "no price: the reference gives no price for this model"
        return True, None

    # -- texts
    def base_name(self) -> str:
        return NAMES[self.id][0]

    def mode(self) -> str:
        return NAMES[self.id][1]

    def name(self) -> dict[str, str]:
        mode = MODE_TEXT[self.mode()]
        return {"ru": f"{self.base_name()} — {mode['name'][0]}",
                "en": f"{self.base_name()} — {mode['name'][1]}"}

    def description(self) -> dict[str, str]:
        mode = MODE_TEXT[self.mode()]
        family = FAMILY_TEXT[family_of(self.ref)]
        variant = self._variant()
        caps = capabilities(self.fields)
        out = {}
        for i, lang in enumerate(("ru", "en")):
            lead = mode["lead"][i]
            lead += (": " + ", ".join(c[i] for c in caps[:3])) if caps else ""
            tail = family[i] + (f", {variant[i]}" if variant else "")
            out[lang] = f"{lead}. {tail}."
        return out

    def _variant(self) -> tuple[str, str] | None:
        found = next((VARIANT_TEXT[w.lower()] for w in re.findall(r"[A-Za-z]+", self.base_name())[::-1]
                      if w.lower() in VARIANT_TEXT), None)
        if "legacy" in self.ref["status"]:
            legacy = VARIANT_TEXT["legacy"]
            return legacy if found is None else (f"{found[0]}, {legacy[0]}", f"{found[1]}, {legacy[1]}")
        return found

    def tasks(self) -> list[str]:
        found: list[str] = []
        for mode in self.over.get("modes") or self.ref["modes"]:
            for task in TASK_OF_MODE.get(mode, ()):
                if task not in found:
                    found.append(task)
        return found

    def examples(self) -> list[str]:
        kind = MODE_TEXT[self.mode()]["examples"]
        if kind is None or not any(name in self.fields for name in PROMPT_FIELDS):
            return []
        pool = EXAMPLES[kind]
        start = int(hashlib.sha1(self.id.encode()).hexdigest(), 16) % len(pool)
        return [pool[start], pool[(start + 1) % len(pool)]]

    def entry(self) -> dict[str, Any]:
        enabled, reason = self.status()
        if "legacy" in self.ref["status"]:
            self.notes.insert(0, LEGACY_NOTE)
        notes = [*self.over.get("notes", []), *self.notes]
        entry: dict[str, Any] = {
            "id": self.id,
            "vendor": vendor_of(self.ref),
            "category": CATEGORY[self.ref["category"]],
            "tasks": self.tasks(),
            "name": self.name(),
            "description": self.description(),
        }
        if examples := self.examples():
            entry["examples"] = examples
        entry["enabled"] = enabled
        if reason:
            entry["disabled_reason"] = reason
        if notes:
            entry["notes"] = notes
        if self.price:
            entry["price"] = self.price
        if self.fields:
            entry["input"] = self.ordered_fields()
        return entry


def _per(case: dict[str, Any]) -> list[str]:
    per = case.get("per")
    return [] if per is None else [per] if isinstance(per, str) else list(per)


def _short(status: str) -> str:
    """The reference status up to its first ';' (the whole of it inside parentheses)."""
    first = status.split(";")[0]
    if first.count("(") > first.count(")"):
        first = status
    return first.replace(" (unverified by me)", "").strip()


# ----------------------------------------------------------------------------- capabilities

def _seconds_phrase(values: list[int], span: bool = False) -> tuple[str, str]:
    values = sorted(set(values))
    if len(values) == 1:
        return f"{values[0]} с", f"{values[0]} s"
    if len(values) == 2 and not span:
        return f"{values[0]} или {values[1]} с", f"{values[0]} or {values[1]} s"
    return f"{values[0]}–{values[-1]} с", f"{values[0]}–{values[-1]} s"


def _numeric(values: Iterable[Any]) -> list[int]:
    out = []
    for value in values:
        try:
            out.append(int(str(value)))
        except ValueError:
            continue
    return out


def _option_values(field: dict[str, Any]) -> list[Any]:
    return [o["value"] if isinstance(o, dict) else o for o in field.get("options", [])]


INPUT_IMAGES = frozenset({"image_urls", "input_urls", "image_input", "reference_image_urls",
                          "reference_image"})
RESOLUTION_ORDER = ["360p", "480p", "512p", "540p", "580p", "720p", "768p", "1k", "1080p", "1.5k",
                    "2k", "3k", "4k", "8k"]


def capabilities(fields: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """Short facts for a description, from the collectable schema (never invented)."""
    caps: list[tuple[str, str]] = []
    for name in ("duration", "n_frames"):
        field = fields.get(name)
        if field and field["type"] == "enum":
            secs = _numeric(_option_values(field))
            if secs:
                caps.append(_seconds_phrase(secs))
                break
        elif field and field.get("minimum", 0) > 0 and field.get("maximum") is not None:
            caps.append(_seconds_phrase([int(field["minimum"]), int(field["maximum"])], span=True))
            break
    for name in ("resolution", "quality", "image_resolution", "output_resolution", "mode"):
        field = fields.get(name)
        if not field or field["type"] != "enum":
            continue
        found = [str(v).lower() for v in _option_values(field) if str(v).lower() in RESOLUTION_ORDER]
        if found:
            best = max(found, key=RESOLUTION_ORDER.index).replace("k", "K").replace("p", "p")
            caps.append((f"до {best}", f"up to {best}"))
            break
    for name in ("sound", "audio", "generate_audio", "generate_audio_switch"):
        field = fields.get(name)
        if field and field["type"] == "boolean":
            caps.append(("со звуком", "with sound") if field.get("default") is True
                        else ("звук по желанию", "optional sound"))
            break
    if any(n in fields for n in ("last_frame_url", "end_image_url", "tail_image_url",
                                 "last_frame_image_url")):
        caps.append(("можно задать последний кадр", "optional last frame"))
    for name in ("num_images", "n", "max_images"):
        field = fields.get(name)
        if field:
            most = max(_numeric(_option_values(field)) or [int(field.get("maximum") or 1)])
            if most > 1:
                caps.append((f"до {most} картинок за раз", f"up to {most} images per run"))
            break
    for name, field in fields.items():
        if name in INPUT_IMAGES and field["type"] == "files" and (field.get("max_items") or 0) > 1:
            caps.append((f"до {field['max_items']} изображений на входе",
                         f"up to {field['max_items']} input images"))
            break
    voice = fields.get("voice")
    if voice and voice["type"] == "enum":
        count = len(voice["options"])
        caps.append((f"{count} голосов", f"{count} voices"))
    return caps


# ----------------------------------------------------------------------------- YAML

_PLAIN = re.compile(r"^[A-Za-z0-9А-Яа-яЁё][A-Za-z0-9А-Яа-яЁё _.,()+/'’×–-]*$")


def scalar(value: Any, flow: bool = False) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    plain = bool(_PLAIN.match(text)) and not text.endswith(" ")
    if plain and flow and any(c in text for c in ",[]{}"):
        plain = False
    if plain:
        try:
            plain = yaml.safe_load(f"k: {text}") == {"k": text}
        except yaml.YAMLError:
            plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)


def flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value, flow=True)


WIDTH = 100
#: keys whose content is always written as a block, so every model reads the same way
ALWAYS_BLOCK = frozenset({"price", "input"})


def block(value: Any, indent: int) -> list[str]:
    """Lines for ``value`` as the content of a mapping key at ``indent`` spaces."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ALWAYS_BLOCK and isinstance(item, dict):
                lines.extend([f"{pad}{key}:", *block(item, indent + 2)])
            else:
                lines.extend(_item(f"{pad}{key}:", item, indent))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and len(flow(item)) + indent + 2 > WIDTH:
                inner = block(item, indent + 2)
                inner[0] = pad + "- " + inner[0][indent + 2:]
                lines.extend(inner)
            else:
                lines.append(f"{pad}- {flow(item)}")
    return lines


def _item(head: str, item: Any, indent: int) -> list[str]:
    if isinstance(item, dict | list) and item:
        text = flow(item)
        if len(head) + 1 + len(text) <= WIDTH and not _has_long_list(item):
            return [f"{head} {text}"]
        return [head, *block(item, indent + 2)]
    return [f"{head} {flow(item)}"]


def _has_long_list(item: Any) -> bool:
    """Lists of mappings read best one per line (a price's cases even when there is one)."""
    if not isinstance(item, list) or not any(isinstance(v, dict) for v in item):
        return False
    return len(item) > 1 or "credits" in item[0]


def render(header: str, texts: dict[str, Any], key: str, items: list[dict[str, Any]],
           comments: dict[int, str]) -> str:
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    if texts:
        lines.append("")
        lines.append("# Titles, hints and option labels shared by same-named fields below (a field's own "
                     "wins).")
        lines.append("field_texts:")
        lines.extend(block(texts, 2))
        lines.append("")
    lines.append(f"{key}:")
    for i, item in enumerate(items):
        if i in comments:
            lines.append("")
            lines.append(f"  # {comments[i]}")
        inner = block(item, 4)
        inner[0] = "  - " + inner[0][4:]
        lines.extend(inner)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


HEADER = """{title}
Generated by scripts/import_reference_catalog.py from shared/reference/kie_models.json;
re-running it overwrites hand edits here (change the script's tables instead).
Prices are Kie.ai credits (1 credit = $0.005); see price.source and price.note per model."""


# ----------------------------------------------------------------------------- main

def load_overlay() -> dict[str, dict[str, Any]]:
    """Every model of ``scripts/verified/*.yaml``, each tagged with the file it came from."""
    overlay: dict[str, dict[str, Any]] = {}
    for path in sorted(VERIFIED.glob("*.yaml")):
        for model_id, spec in (yaml.safe_load(path.read_text(encoding="utf-8"))["models"] or {}).items():
            if model_id in overlay:
                raise SystemExit(f"{path.relative_to(ROOT)}: {model_id} is already in "
                                 f"{overlay[model_id]['file']}")
            overlay[model_id] = {**spec, "file": str(path.relative_to(ROOT))}
    return overlay


def apply_verified(models: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reference with ``scripts/verified/`` laid over it (see the module docstring)."""
    overlay = load_overlay()
    by_id = {m["id"]: m for m in models}
    unknown = sorted(set(overlay) - set(by_id))
    if unknown:
        raise SystemExit(f"scripts/verified: not in the reference: {', '.join(unknown)}")
    out = []
    for ref in models:
        spec = overlay.get(ref["id"])
        if spec is None:
            out.append(ref)
            continue
        if "inputs" not in spec and ref["schema_confidence"] not in ("high", "medium"):
            raise SystemExit(f"{spec['file']}: {ref['id']} needs its verified inputs: the "
                             f"reference schema is {ref['schema_confidence']}-confidence")
        source = " ".join(str(spec["source"]).split())
        ref = {**ref, "schema_confidence": "high", "status": f"documented (verified: {spec['file']})"}
        if "inputs" in spec:
            ref["inputs"] = spec["inputs"]
        rows = [{**row, "source": f"VERIFIED: {source}"} for row in spec.get("price", [])]
        ref["price"] = [*(ref.get("price") or []), *rows]
        ref["verified_source"] = source
        ref["verified_file"] = spec["file"]
        if "rule" in spec:
            if ref["id"] in PRICES:
                raise SystemExit(f"{spec['file']}: {ref['id']} has a rule here and in PRICES")
            ref["verified_rule"] = P(spec["rule"]["cases"], note=spec["rule"].get("note"),
                                     extra=spec["rule"].get("extra_credits", ()))
        out.append(ref)
    return out


def build() -> dict[str, str]:
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    market = sorted((m for m in data["models"] if m["api"] == "market"), key=lambda m: m["id"])
    market = apply_verified(market)
    models = []
    for ref in market:
        model = Model(ref)
        model.build_inputs()
        model.build_price()
        model.require_priced_fields()
        models.append(model)
    entries = [m.entry() for m in models]
    _disambiguate(entries)
    files: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        files.setdefault(FILES[entry["category"]], []).append(entry)
    texts = {file: _share_texts(items) for file, items in files.items()}
    out = {"tasks.yaml": render(HEADER.format(title="Tasks of the main menu, in menu order."),
                                {}, "tasks", TASKS, {})}
    for file, items in sorted(files.items()):
        items.sort(key=lambda e: (not e["enabled"], e["vendor"].lower(), e["id"]))
        first_off = next((i for i, e in enumerate(items) if not e["enabled"]), None)
        comments = {} if first_off is None else {
            first_off: "Disabled: see disabled_reason; enable once the reference is complete."}
        title = f"Kie.ai market models: {file.removesuffix('.yaml').replace('_', ' ')}."
        out[file] = render(HEADER.format(title=title), texts[file], "models", items, comments)
    return out


def _share_texts(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Move the standard title/hint of a field name used twice or more to ``field_texts``."""
    uses: dict[str, int] = {}
    for entry in entries:
        for name in entry.get("input", {}):
            uses[name] = uses.get(name, 0) + 1
    shared: dict[str, dict[str, Any]] = {}
    for entry in entries:
        for name, field in entry.get("input", {}).items():
            spec = FIELD_TEXT.get(name)
            if spec is None or uses[name] < 2:
                continue
            texts = {"title": _text(spec[0]), **({"hint": _text(spec[1])} if len(spec) > 1 else {})}
            if field.get("title") == texts["title"]:
                del field["title"]
                if field.get("hint") == texts.get("hint"):
                    field.pop("hint", None)
                elif "hint" not in field and "hint" in texts:
                    raise SystemExit(f"{entry['id']}: {name} would inherit a hint it lacks")
                shared[name] = texts
    for name, labels in _shared_labels(entries).items():
        shared.setdefault(name, {})["labels"] = labels
    return dict(sorted(shared.items()))


def _shared_labels(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Option labels every model of the file gives alike move to ``field_texts.<name>.labels``."""
    seen: dict[str, dict[str, list[Any]]] = {}
    for entry in entries:
        for name, field in entry.get("input", {}).items():
            for option in field.get("options", []):
                if isinstance(option, dict):
                    seen.setdefault(name, {}).setdefault(str(option["value"]), []).append(
                        option["label"])
    shared = {name: {value: labels[0] for value, labels in by_value.items()
                     if len(labels) > 1 and all(label == labels[0] for label in labels)}
              for name, by_value in seen.items()}
    for entry in entries:
        for name, field in entry.get("input", {}).items():
            labels = shared.get(name, {})
            if "options" in field:
                field["options"] = [o["value"] if isinstance(o, dict) and str(o["value"]) in labels
                                    else o for o in field["options"]]
    return {name: labels for name, labels in shared.items() if labels}


def _disambiguate(entries: list[dict[str, Any]]) -> None:
    """Two models never share a description: add the short name where texts collide."""
    for lang in ("ru", "en"):
        seen: dict[str, list[dict[str, Any]]] = {}
        for entry in entries:
            seen.setdefault(entry["description"][lang], []).append(entry)
        for group in seen.values():
            if len(group) > 1:
                for entry in group:
                    base = entry["name"][lang].split(" — ")[0]
                    entry["description"][lang] = entry["description"][lang][:-1] + f" ({base})."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    files = build()
    if args.check:
        stale = [n for n, text in files.items()
                 if not (OUT / n).exists() or (OUT / n).read_text(encoding="utf-8") != text]
        extra = [p.name for p in OUT.glob("*.yaml") if p.name not in files]
        for name in stale + extra:
            print(f"models/{name} is out of date")
        return 1 if stale or extra else 0
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.yaml"):
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files to {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
