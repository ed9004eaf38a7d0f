"""The main menu's tasks and how reference modes and categories map onto them and onto files."""

from __future__ import annotations

from typing import Any

TASKS: list[dict[str, Any]] = [
    {
        "id": "video_ads",
        "emoji": "🎬",
        "name": {"ru": "Видео для Reels, TikTok и рекламы", "en": "Video for Reels, TikTok & ads"},
        "description": {"ru": "Ролик по текстовому описанию", "en": "A clip from a text prompt"},
    },
    {
        "id": "images",
        "emoji": "🖼",
        "name": {"ru": "Картинки, баннеры, посты", "en": "Images, banners, posts"},
        "description": {"ru": "Изображение по описанию", "en": "An image from a text prompt"},
    },
    {
        "id": "image_edit",
        "emoji": "✏️",
        "name": {"ru": "Редактировать изображение", "en": "Edit an image"},
        "description": {
            "ru": "Правка фото по команде, замена фона, персонажи",
            "en": "Edit a photo by instruction, swap backgrounds, characters",
        },
    },
    {
        "id": "image_to_video",
        "emoji": "🎞",
        "name": {"ru": "Оживить фото: картинка → видео", "en": "Animate a photo: image → video"},
        "description": {
            "ru": "Ролик из вашего фото или референсов",
            "en": "A clip from your photo or reference images",
        },
    },
    {
        "id": "enhance",
        "emoji": "✨",
        "name": {"ru": "Улучшить и увеличить", "en": "Enhance & upscale"},
        "description": {
            "ru": "Больше разрешение, чётче детали — фото и видео",
            "en": "Higher resolution, sharper detail — photos and videos",
        },
    },
    {
        "id": "audio",
        "emoji": "🎵",
        "name": {"ru": "Аудио: озвучка, музыка, звуки", "en": "Audio: voice-over, music, sound"},
        "description": {
            "ru": "Озвучка текста, очистка голоса, музыка и эффекты",
            "en": "Text to speech, voice isolation, music and effects",
        },
    },
    {
        "id": "avatar",
        "emoji": "🗣",
        "name": {"ru": "Говорящий аватар и липсинк", "en": "Talking avatar & lip-sync"},
        "description": {
            "ru": "Портрет или видео говорит под ваше аудио",
            "en": "A portrait or a video speaks your audio",
        },
    },
    {
        "id": "video_edit",
        "emoji": "🎥",
        "name": {"ru": "Редактировать видео", "en": "Edit a video"},
        "description": {
            "ru": "Стиль, объекты, перенос движения, продление",
            "en": "Style, objects, motion transfer, extension",
        },
    },
    {
        "id": "speech_to_text",
        "emoji": "📝",
        "name": {"ru": "Расшифровать речь", "en": "Speech to text"},
        "description": {"ru": "Текст из аудиозаписи", "en": "Text from an audio recording"},
    },
]

#: reference mode → tasks it serves (a model serves the tasks of all its modes)
TASK_OF_MODE: dict[str, tuple[str, ...]] = {
    "text-to-video": ("video_ads",),
    "storyboard": ("video_ads",),
    "character-creation": ("video_ads",),
    "asset-registration": ("video_ads",),
    "image-to-video": ("image_to_video",),
    "reference-to-video": ("image_to_video",),
    "first-last-frame": ("image_to_video",),
    "video-to-video": ("video_edit",),
    "video-edit": ("video_edit",),
    "video-extend": ("video_edit",),
    "motion-transfer": ("video_edit",),
    "character-replace": ("video_edit",),
    "watermark-removal": ("video_edit",),
    "video-remix": ("video_edit",),
    "reframe": ("video_edit",),
    "music-video": ("video_edit",),
    "text-to-image": ("images",),
    "image-to-image/edit": ("image_edit",),
    "masked-edit": ("image_edit",),
    "outpaint/reframe": ("image_edit",),
    "background-removal": ("image_edit",),
    "variation": ("image_edit",),
    "segmentation": ("image_edit",),
    "layer-decomposition": ("image_edit",),
    "upscale": ("enhance",),
    "refine": ("enhance",),
    "avatar/lipsync": ("avatar",),
    "subject-detection": ("avatar",),
    "text-to-speech": ("audio",),
    "dialogue": ("audio",),
    "sound-effects": ("audio",),
    "audio-isolation": ("audio",),
    "lyrics": ("audio",),
    "lyrics-alignment": ("audio",),
    "audio-to-music": ("audio",),
    "music-extend": ("audio",),
    "text-to-music": ("audio",),
    "music-edit": ("audio",),
    "format-conversion": ("audio",),
    "speech-to-text": ("speech_to_text",),
}

#: reference category → our category slug
CATEGORY = {
    "audio-isolation": "audio-isolation",
    "avatar/lipsync": "avatar-lipsync",
    "image-to-image/edit": "image-edit",
    "image-to-video": "image-to-video",
    "lyrics": "lyrics",
    "music": "music",
    "other": "other",
    "sound-effects": "sound-effects",
    "speech-to-text": "speech-to-text",
    "text-to-image": "text-to-image",
    "text-to-speech": "text-to-speech",
    "text-to-video": "text-to-video",
    "upscale": "upscale",
    "video-to-video": "video-to-video",
}

#: our category → file under models/ (one file per area an editor works on)
FILES = {
    "text-to-video": "text_to_video.yaml",
    "image-to-video": "image_to_video.yaml",
    "video-to-video": "video_edit.yaml",
    "avatar-lipsync": "avatar.yaml",
    "text-to-image": "text_to_image.yaml",
    "image-edit": "image_edit.yaml",
    "upscale": "upscale.yaml",
    "text-to-speech": "audio.yaml",
    "music": "audio.yaml",
    "sound-effects": "audio.yaml",
    "audio-isolation": "audio.yaml",
    "speech-to-text": "audio.yaml",
    "lyrics": "audio.yaml",
    "other": "tools.yaml",
}
