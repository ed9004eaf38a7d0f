"""What a model card says beyond its short name: the name suffix and lead of its mode, what its
family is good at and what its variant word means. The reference has no such texts.
"""

from __future__ import annotations

import re
from typing import Any

#: mode key → card name suffix, description lead and example pool
MODE_TEXT: dict[str, dict[str, Any]] = {
    "t2v": {
        "name": ("текст → видео", "Text to Video"),
        "lead": ("Видео по описанию", "Video from a text prompt"),
        "examples": "t2v",
    },
    "tiv": {
        "name": ("текст или фото → видео", "Text/Image to Video"),
        "lead": ("Видео по описанию или из фото", "Video from a prompt or a photo"),
        "examples": "t2v",
    },
    "i2v": {
        "name": ("фото → видео", "Image to Video"),
        "lead": ("Оживляет фото в видеоролик", "Turns a photo into a video clip"),
        "examples": "i2v",
    },
    "r2v": {
        "name": ("видео по референсам", "Reference to Video"),
        "lead": (
            "Ролик с людьми и товарами с ваших фото",
            "A clip featuring the people and products from your photos",
        ),
        "examples": "r2v",
    },
    "flf": {
        "name": ("переход между кадрами", "First & Last Frame"),
        "lead": (
            "Плавный переход от первого кадра к последнему",
            "A smooth transition from a first to a last frame",
        ),
        "examples": "i2v",
    },
    "speech_video": {
        "name": ("речь → видео", "Speech to Video"),
        "lead": ("Портрет говорит под ваше аудио", "A portrait that speaks your audio"),
        "examples": "avatar",
    },
    "v2v": {
        "name": ("видео → видео", "Video to Video"),
        "lead": ("Перерисовывает видео по описанию", "Restyles a video from a prompt"),
        "examples": "v2v",
    },
    "vedit": {
        "name": ("редактирование видео", "Video Edit"),
        "lead": (
            "Меняет объекты, стиль и детали в готовом видео",
            "Changes objects, style and details in a video",
        ),
        "examples": "v2v",
    },
    "extend": {
        "name": ("продление видео", "Video Extend"),
        "lead": ("Продлевает готовый ролик", "Extends an existing clip"),
        "examples": "extend",
    },
    "motion": {
        "name": ("перенос движения", "Motion Control"),
        "lead": (
            "Переносит движения из видео на персонажа с фото",
            "Transfers motion from a video onto the character in a photo",
        ),
        "examples": "motion",
    },
    "replace": {
        "name": ("замена персонажа", "Character Replace"),
        "lead": (
            "Заменяет героя видео на персонажа с фото",
            "Replaces the person in a video with the character from a photo",
        ),
        "examples": "motion",
    },
    "watermark": {
        "name": ("удаление водяного знака", "Watermark Remover"),
        "lead": (
            "Убирает водяной знак Sora с видео по ссылке",
            "Removes the Sora watermark from a shared video",
        ),
        "examples": None,
    },
    "remix": {
        "name": ("ремикс видео", "Video Remix"),
        "lead": ("Ремикс готового видео", "Remixes an existing video"),
        "examples": "v2v",
    },
    "reframe_v": {
        "name": ("смена формата видео", "Video Reframe"),
        "lead": ("Меняет формат кадра видео", "Changes a video's aspect ratio"),
        "examples": None,
    },
    "t2i": {
        "name": ("текст → картинка", "Text to Image"),
        "lead": ("Картинка по описанию", "An image from a text prompt"),
        "examples": "t2i",
    },
    "ti2i": {
        "name": ("создание и правка картинок", "Image Generation & Edit"),
        "lead": (
            "Создаёт картинку по описанию или правит ваши фото",
            "Creates images from a prompt or edits your photos",
        ),
        "examples": "t2i",
    },
    "edit": {
        "name": ("редактирование фото", "Image Edit"),
        "lead": ("Правит фото по текстовой команде", "Edits a photo from a text instruction"),
        "examples": "edit",
    },
    "i2i": {
        "name": ("фото → фото", "Image to Image"),
        "lead": ("Перерисовывает фото по описанию", "Redraws a photo from a prompt"),
        "examples": "edit",
    },
    "mask": {
        "name": ("правка по маске", "Masked Edit"),
        "lead": ("Меняет выделенную область фото", "Changes a selected area of a photo"),
        "examples": "edit",
    },
    "reframe": {
        "name": ("расширение кадра", "Reframe"),
        "lead": ("Дорисовывает фото под новый формат", "Extends a photo to a new format"),
        "examples": None,
    },
    "bg": {
        "name": ("удаление фона", "Remove Background"),
        "lead": ("Удаляет фон с фото за секунды", "Removes a photo's background in seconds"),
        "examples": None,
    },
    "refine": {
        "name": ("улучшение фото", "Image Refiner"),
        "lead": ("Улучшает детали фото", "Refines the details of a photo"),
        "examples": None,
    },
    "vary": {
        "name": ("вариации", "Vary"),
        "lead": ("Вариации готового изображения", "Variations of an existing image"),
        "examples": None,
    },
    "char": {
        "name": ("персонаж по фото", "Character"),
        "lead": ("Один и тот же персонаж в новых сценах", "The same character in new scenes"),
        "examples": "char",
    },
    "char_edit": {
        "name": ("правка с персонажем", "Character Edit"),
        "lead": (
            "Вписывает персонажа в выделенную область фото",
            "Puts your character into a masked area of a photo",
        ),
        "examples": "char",
    },
    "char_remix": {
        "name": ("ремикс с персонажем", "Character Remix"),
        "lead": ("Перерисовывает картинку с вашим персонажем", "Remixes an image around your character"),
        "examples": "char",
    },
    "remix_i": {
        "name": ("ремикс картинки", "Remix"),
        "lead": ("Переосмысляет вашу картинку по описанию", "Reimagines your image from a prompt"),
        "examples": "edit",
    },
    "up": {
        "name": ("увеличение фото", "Image Upscale"),
        "lead": ("Увеличивает фото и повышает чёткость", "Upscales a photo and sharpens it"),
        "examples": None,
    },
    "vup": {
        "name": ("улучшение видео", "Video Upscale"),
        "lead": ("Повышает разрешение видео", "Upscales a video"),
        "examples": None,
    },
    "avatar": {
        "name": ("говорящий аватар", "Talking Avatar"),
        "lead": (
            "Оживляет портрет под аудио с точным липсинком",
            "Animates a portrait to an audio track with accurate lip-sync",
        ),
        "examples": "avatar",
    },
    "lipsync_v": {
        "name": ("липсинк видео", "Video Lip-sync"),
        "lead": ("Подгоняет губы в видео под новое аудио", "Re-syncs the lips in a video to new audio"),
        "examples": None,
    },
    "tts": {
        "name": ("озвучка текста", "Text to Speech"),
        "lead": ("Озвучивает текст", "Turns text into speech"),
        "examples": "tts",
    },
    "dialog": {
        "name": ("озвучка диалога", "Dialogue"),
        "lead": ("Озвучивает диалог несколькими голосами", "Voices a dialogue with several speakers"),
        "examples": "tts",
    },
    "stt": {
        "name": ("расшифровка речи", "Speech to Text"),
        "lead": ("Переводит речь из аудио в текст", "Transcribes speech from audio"),
        "examples": None,
    },
    "sfx": {
        "name": ("звуковые эффекты", "Sound Effects"),
        "lead": ("Звуковой эффект по описанию", "A sound effect from a description"),
        "examples": "sfx",
    },
    "iso": {
        "name": ("очистка голоса", "Audio Isolation"),
        "lead": ("Отделяет голос от музыки и шума", "Separates the voice from music and noise"),
        "examples": None,
    },
    "music": {
        "name": ("музыка", "Music"),
        "lead": ("Песня или трек по описанию", "A song or a track from a description"),
        "examples": "music",
    },
    "music_edit": {
        "name": ("правка трека", "Music Edit"),
        "lead": ("Дорабатывает готовый трек", "Works on an existing track"),
        "examples": "music",
    },
    "lyrics": {
        "name": ("тексты песен", "Lyrics"),
        "lead": ("Текст песни на заданную тему", "Song lyrics on a theme"),
        "examples": "lyrics",
    },
    "lyrics_ts": {
        "name": ("тайм-коды текста", "Timestamped Lyrics"),
        "lead": ("Тайм-коды слов для песни", "Word timings for a song"),
        "examples": None,
    },
    "wav": {
        "name": ("конвертация в WAV", "Convert to WAV"),
        "lead": ("Переводит трек в WAV", "Converts a track to WAV"),
        "examples": None,
    },
    "musicvideo": {
        "name": ("клип к треку", "Music Video"),
        "lead": ("Видеоклип к сгенерированному треку", "A video for a generated track"),
        "examples": None,
    },
    "seg": {
        "name": ("карта объектов", "Segment Map"),
        "lead": (
            "Находит объекты на картинке для точечной правки",
            "Finds objects in an image for targeted edits",
        ),
        "examples": None,
    },
    "detect": {
        "name": ("поиск людей на фото", "Subject Detection"),
        "lead": (
            "Находит людей и объекты на фото для аватара",
            "Finds people and objects in a photo for an avatar",
        ),
        "examples": None,
    },
    "layers": {
        "name": ("разбор на слои", "Layer Decomposition"),
        "lead": (
            "Раскладывает картинку на основу и прозрачные слои; каждый слой приходит "
            "отдельным PNG-файлом, документом",
            "Splits an image into a base and transparent layers; each layer comes as "
            "a separate PNG file, sent as a document",
        ),
        "examples": None,
    },
    "charvid": {
        "name": ("персонаж для Sora", "Sora Character"),
        "lead": ("Создаёт персонажа для роликов Sora", "Creates a character for Sora videos"),
        "examples": None,
    },
    "asset": {
        "name": ("ассеты", "Assets"),
        "lead": ("Регистрирует ассеты для Seedance 2.0", "Registers assets for Seedance 2.0"),
        "examples": None,
    },
    "storyboard": {
        "name": ("раскадровка", "Storyboard"),
        "lead": ("Ролик по раскадровке из нескольких сцен", "A clip from a storyboard of several scenes"),
        "examples": None,
    },
    "other": {
        "name": ("служебная модель", "Utility"),
        "lead": ("Служебный путь Kie.ai", "A Kie.ai utility path"),
        "examples": None,
    },
}

#: reference family → what it is good at (second sentence of a description)
FAMILY_TEXT: dict[str, tuple[str, str]] = {
    "ElevenLabs": (
        "ElevenLabs — естественные голоса и чистый звук",
        "ElevenLabs — natural voices and clean sound",
    ),
    "OmniHuman": (
        "OmniHuman от ByteDance — живые жесты и мимика",
        "OmniHuman by ByteDance — lively gestures and expressions",
    ),
    "InfiniteTalk": (
        "InfiniteTalk — точная артикуляция в длинных роликах",
        "InfiniteTalk — precise articulation in long clips",
    ),
    "Kling": (
        "Kling от Kuaishou — реалистичное движение и живая мимика",
        "Kling by Kuaishou — realistic motion and lifelike faces",
    ),
    "Volcengine Lip Sync": (
        "Volcengine от ByteDance — липсинк для готовых видео",
        "Volcengine by ByteDance — lip-sync for existing videos",
    ),
    "Wan": (
        "Wan от Alibaba — гибкие настройки по честной цене",
        "Wan by Alibaba — flexible settings at a fair price",
    ),
    "Seedream": (
        "Seedream от ByteDance — фотореализм и чёткий текст на картинке",
        "Seedream by ByteDance — photorealism and crisp text in images",
    ),
    "FLUX.1 Kontext": (
        "FLUX Kontext — правка картинок с пониманием контекста",
        "FLUX Kontext — context-aware image edits",
    ),
    "FLUX.2": (
        "FLUX.2 от Black Forest Labs — детализация и точная композиция",
        "FLUX.2 by Black Forest Labs — fine detail and precise composition",
    ),
    "Nano Banana": (
        "Nano Banana от Google — быстро создаёт и правит по тексту",
        "Nano Banana by Google — fast creation and text-guided edits",
    ),
    "GPT Image": (
        "GPT Image от OpenAI — понимает сложные запросы и надписи",
        "GPT Image by OpenAI — handles complex prompts and lettering",
    ),
    "Grok Imagine": ("Grok Imagine от xAI — быстро и недорого", "Grok Imagine by xAI — fast and inexpensive"),
    "Ideogram": (
        "Ideogram — лучший выбор для надписей, логотипов и постеров",
        "Ideogram — the pick for lettering, logos and posters",
    ),
    "Kie utility": ("Служебный инструмент Kie.ai", "A Kie.ai utility"),
    "Midjourney": (
        "Midjourney — узнаваемая художественная эстетика",
        "Midjourney — a recognisable artistic look",
    ),
    "Qwen Image": (
        "Qwen Image от Alibaba — аккуратный текст и точная правка",
        "Qwen Image by Alibaba — neat text and precise edits",
    ),
    "Recraft": ("Recraft — инструменты для дизайнеров", "Recraft — tools for designers"),
    "Seedance": (
        "Seedance от ByteDance — динамичные сцены и точное следование промпту",
        "Seedance by ByteDance — dynamic scenes that follow the prompt closely",
    ),
    "Hailuo": (
        "Hailuo от MiniMax — выразительная физика и пластика движений",
        "Hailuo by MiniMax — expressive physics and fluid motion",
    ),
    "HappyHorse": ("HappyHorse — чистая картинка в Full HD", "HappyHorse — clean Full HD footage"),
    "MiniMax H3": ("MiniMax H3 — новое поколение видео до 2K", "MiniMax H3 — next-generation video up to 2K"),
    "PixVerse": (
        "PixVerse — эффектные ролики для соцсетей",
        "PixVerse — eye-catching clips for social media",
    ),
    "Sora 2": ("Sora 2 от OpenAI — кинематографичные сцены", "Sora 2 by OpenAI — cinematic scenes"),
    "Suno": ("Suno — песни с вокалом и инструменталы", "Suno — songs with vocals and instrumentals"),
    "Other": ("Недокументированный путь Kie.ai", "An undocumented Kie.ai path"),
    "Gemini (legacy)": ("Устаревший служебный путь Google", "A legacy Google utility path"),
    "Whisper": ("Whisper от OpenAI — распознавание речи", "Whisper by OpenAI — speech recognition"),
    "Imagen 4": (
        "Imagen 4 от Google — фотореалистичные изображения",
        "Imagen 4 by Google — photorealistic images",
    ),
    "Z-Image": (
        "Z-Image от Alibaba — самая дешёвая быстрая генерация",
        "Z-Image by Alibaba — the cheapest fast generation",
    ),
    "Gemini TTS": (
        "Gemini TTS от Google — диалоги разными голосами",
        "Gemini TTS by Google — dialogues in several voices",
    ),
    "Gemini Omni": (
        "Gemini Omni от Google — видео с пониманием контекста",
        "Gemini Omni by Google — context-aware video",
    ),
    "Runway": ("Runway — видеомонтаж на ИИ для профессионалов", "Runway — AI video tools for professionals"),
    "Veo 3.1": ("Veo 3.1 от Google — видео со звуком", "Veo 3.1 by Google — video with sound"),
    "Topaz": (
        "Topaz Labs — профессиональное увеличение без артефактов",
        "Topaz Labs — professional upscaling without artefacts",
    ),
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


def vendor_of(ref: dict[str, Any]) -> str:
    """The reference's vendor, minus research remarks; Suno for the ai-music-api family."""
    if ref["id"].startswith("ai-music-api/"):
        return "Suno"
    return re.sub(r"\s*\(vendor not stated in sources\)", "", ref["vendor"])


def family_of(ref: dict[str, Any]) -> str:
    return "Suno" if ref["id"].startswith("ai-music-api/") else ref["family"]


# ============================================================================ tables: adjustments
