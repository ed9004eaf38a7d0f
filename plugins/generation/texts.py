"""Locale keys the generation plug-in renders in its own messages, with their variables."""

from __future__ import annotations

from typing import Any

from plugins.generation.views import JobView

_JOB: dict[str, Any] = {"job": JobView}

GENERATION_TEXTS: dict[str, dict[str, Any]] = {
    "generation.status_queued": _JOB,
    "generation.status_waiting": _JOB,
    "generation.status_running": _JOB,
    "generation.status_done": _JOB,
    "generation.status_failed": _JOB,
    "generation.status_cancelled": _JOB,
    "generation.result_caption": _JOB,
    "generation.result_link": {**_JOB, "url": str},
    "generation.failed": {**_JOB, "reason": str, "money": str},
    "generation.reason_content_policy": _JOB,
    "generation.reason_bad_input": _JOB,
    "generation.reason_service_busy": _JOB,
    "generation.reason_generation_failed": {**_JOB, "detail": str},
    "generation.reason_uncertain": _JOB,
    "generation.reason_timeout": _JOB,
    "generation.reason_internal": _JOB,
    "generation.money_returned": _JOB,
    "generation.free_returned": _JOB,
    "generation.button_cancel": _JOB,
    "generation.button_again": _JOB,
    "generation.button_edit": _JOB,
    "generation.button_history": _JOB,
    "generation.cancelled_answer": {},
    "generation.cannot_cancel": {},
    "generation.not_enough": {"price": str, "balance": str},
    "generation.free_used_up": {"back": str},
    "generation.no_price": {},
    "generation.model_paused": {},
    "generation.orders_paused": {},
    "generation.no_such_job": {},
    "generation.no_follow_up": {},
    "generation.bad_section": {"length": str},
    "generation.track_caption": {**_JOB, "number": int, "title": str},
    "generation.text_variant": _JOB,
    "generation.text_as_file": _JOB,
    "generation.source_job": _JOB,
    "generation.source_track": {**_JOB, "number": int, "title": str},
}
