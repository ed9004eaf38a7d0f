"""Logging set-up: readable lines for people, or one JSON object per line (``LOG_FORMAT=json``).

JSON lines carry the fields bound to the work being done (``engine.log_context``: update,
user and job ids). Whatever the format, the values of the configured secrets are replaced by
``***`` before a line is written: a secret that slips into an exception message stays out.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from engine.log_context import bind, fields

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET = {"aiogram.event": logging.WARNING, "pgserver": logging.WARNING, "emulators": logging.WARNING}


class Redactor:
    def __init__(self, secrets: Iterable[str]) -> None:
        # longest first, so a secret that contains another is replaced whole
        self.secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, "***")
        return text


class TextFormatter(logging.Formatter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__(TEXT_FORMAT)
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", <bound fields>, "exception"?}`` on one line."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
            **fields(),
        }
        if record.exc_info:
            line["exception"] = self.redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(level: str, form: str, secrets: Iterable[str] = ()) -> None:
    """Replace the root handlers with one on stderr in the chosen form."""
    redact = Redactor(secrets)
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(redact) if form == "json" else TextFormatter(redact))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name, quiet in QUIET.items():
        logging.getLogger(name).setLevel(quiet)


class UpdateLogFields(BaseMiddleware):
    """Outer middleware on updates: every line logged while one is handled names it and its user."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data.get("event_from_user")
        update_id = event.update_id if isinstance(event, Update) else None
        with bind(update_id=update_id, user_id=user.id if user is not None else None):
            return await handler(event, data)
