"""The items of a result that carry their own ids: Suno's tracks.

A Suno task returns several tracks (``data[]`` through the market API, ``sunoData[]`` on the
older record-info; ``audio_url`` in callbacks, ``audioUrl`` on record-info). Follow-up tasks
(extend, WAV, music video …) name a track by its ``id``, so each track is kept with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ConfigDict

from engine.plugin import PluginModel


class ResultItem(PluginModel):
    model_config = ConfigDict(frozen=True)

    id: str
    url: str | None = None
    title: str | None = None
    duration: float | None = None


def _first(item: Mapping[str, Any], *keys: str) -> Any:
    return next((item[k] for k in keys if item.get(k) not in (None, "")), None)


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def result_items(payload: Mapping[str, Any]) -> tuple[ResultItem, ...]:
    """Items with an id, in order; items without one are skipped (nothing can follow them)."""
    raw = payload.get("data", payload.get("sunoData"))
    if not isinstance(raw, list):
        return ()
    found = []
    for item in raw:
        if not isinstance(item, Mapping):
            continue
        ident = _first(item, "id", "audioId", "audio_id")
        if not isinstance(ident, str | int) or isinstance(ident, bool):
            continue
        url = _first(item, "audio_url", "audioUrl")
        title = _first(item, "title")
        found.append(
            ResultItem(
                id=str(ident),
                url=url if isinstance(url, str) else None,
                title=str(title) if title is not None else None,
                duration=_number(_first(item, "duration")),
            )
        )
    return tuple(found)
