"""Suno's result shapes on the market API (kie_api.md §2.2, §3.2), so the bot meets them here
before it meets them live.

- songs (generate, extend, cover …): ``resultJson`` is ``{"data": [track, track]}``, each track
  with its ``id``, ``audio_url``, ``stream_audio_url``, ``image_url``, ``title``, ``duration``…;
- lyrics: ``{"resultObject": {"lyricsData": [{text, title, status, errorMessage}, …]}}``;
- timed lyrics: ``{"resultObject": {"alignedWords": [{word, success, startS, endS, palign}],
  "waveformData": [...], "hootCer": …, "isStreamed": false}}``;
- file utilities (WAV, music video): ``{"resultUrls": [...]}`` like any market model.

Follow-ups are checked the way Kie would: ``task_id`` must be a finished Suno task and
``audio_id`` one of its tracks, or the task fails with code 400.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from emulators.kie.media import MediaKind, render
from emulators.kie.state import SandboxState, SandboxTask, StoredFile, now_ms

PREFIX = "ai-music-api/"
SONGS = frozenset(
    {
        "generate",
        "extend",
        "upload-and-cover-audio",
        "upload-and-extend-audio",
        "add-instrumental",
        "add-vocals",
        "sounds",
        "replace-section",
    }
)
LYRICS = "generate-lyrics"
TIMED = "timeStamped-lyrics"
TRACKS_PER_TASK = 2
TRACK_SECONDS = 120.0  # a song's length as Kie reports it (the stored stand-in is a short tone)


def is_suno(model: str) -> bool:
    return model.startswith(PREFIX)


def _tracks(task: SandboxTask) -> list[dict[str, Any]]:
    data = (task.result or {}).get("data")
    return data if isinstance(data, list) else []


def problem(task: SandboxTask, state: SandboxState) -> str | None:
    """Why Kie would refuse this follow-up (an unknown task or track), or None."""
    wanted_task = task.input.get("task_id")
    wanted_track = task.input.get("audio_id")
    if wanted_task is None and wanted_track is None:
        return None
    sources = (
        [state.tasks.get(str(wanted_task))]
        if wanted_task is not None
        else [t for t in state.tasks.values() if t.state == "success" and is_suno(t.model)]
    )
    sources = [t for t in sources if t is not None and t.state == "success" and is_suno(t.model)]
    if not sources:
        return f"task_id {wanted_task} is not a finished Suno task"
    if wanted_track is not None and not any(
        track.get("id") == wanted_track for t in sources for track in _tracks(t)
    ):
        return f"audio_id {wanted_track} is not a track of that task"
    return None


def result(task: SandboxTask, state: SandboxState, public_url: str) -> dict[str, Any] | None:
    """The Suno result payload for a task, storing its files; None for other models."""
    if not is_suno(task.model):
        return None
    name = task.model[len(PREFIX) :]
    prompt = str(task.input.get("prompt") or task.input.get("title") or name)
    if name == LYRICS:
        return {
            "resultObject": {
                "lyricsData": [
                    {
                        "text": f"[Verse]\n{prompt} <{n}>\nWe sing it loud & clear\n\n[Chorus]\nLa la la",
                        "title": f"{prompt[:40]} & Co #{n}",
                        "status": "complete",
                        "errorMessage": "",
                    }
                    for n in (1, 2)
                ]
            }
        }
    if name == TIMED:
        words = ["[Verse]\n", "Walking ", "down ", "the ", "road\n", "Singing ", "<loud> ", "&", " clear"]
        return {
            "resultObject": {
                "alignedWords": [
                    {
                        "word": w,
                        "success": True,
                        "startS": round(1.5 + i * 0.6, 2),
                        "endS": round(2.0 + i * 0.6, 2),
                        "palign": 0,
                    }
                    for i, w in enumerate(words)
                ],
                "waveformData": [0.1, 0.4, 0.8, 0.3],
                "hootCer": 0.12,
                "isStreamed": False,
            }
        }
    if name not in SONGS:
        return None  # file utilities: plain resultUrls
    return {
        "data": [
            {
                "id": str(uuid.UUID(hashlib.md5(f"{task.task_id}/{n}".encode()).hexdigest())),
                "audio_url": _store(task, state, public_url, prompt, n),
                "stream_audio_url": f"{public_url}/stream/{task.task_id}/{n}",
                "image_url": f"{public_url}/cover/{task.task_id}/{n}.jpg",
                "prompt": prompt,
                "model_name": str(task.input.get("model") or "V6"),
                "title": f"{prompt[:30]} ({n + 1})",
                "tags": str(task.input.get("style") or "pop"),
                "createTime": now_ms(),
                "duration": TRACK_SECONDS,
            }
            for n in range(TRACKS_PER_TASK)
        ]
    }


def _store(task: SandboxTask, state: SandboxState, public_url: str, prompt: str, n: int) -> str:
    media = render(MediaKind.AUDIO, f"{task.model}\n{prompt}\n{n}")
    key = f"results/{task.task_id}/{n}.{media.extension}"
    state.files[key] = StoredFile(media.data, media.mime)
    return f"{public_url}/files/{key}"
