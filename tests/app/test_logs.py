"""Log lines: JSON with the ids of the work being done, and no secret in any form."""

from __future__ import annotations

import json
import logging

from app.logs import JsonFormatter, Redactor, TextFormatter
from engine.log_context import bind

TOKEN = "7412365890:AAHk3xQ9vZ2mPq7sLw4eR8tYu1iOp6aSdFg"


def record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("bot", logging.WARNING, __file__, 1, message, args, None)


def test_a_json_line_carries_the_bound_ids_and_nothing_secret() -> None:
    formatter = JsonFormatter(Redactor([TOKEN]))
    with bind(update_id=77, user_id=1001), bind(job_id="ab12"):
        line = formatter.format(record("call failed: %s", f"https://api.telegram.org/bot{TOKEN}/getMe"))
    parsed = json.loads(line)
    assert parsed["update_id"] == 77 and parsed["user_id"] == 1001 and parsed["job_id"] == "ab12"
    assert parsed["level"] == "WARNING" and parsed["logger"] == "bot"
    assert TOKEN not in line and "bot***/getMe" in parsed["message"]
    assert "\n" not in line


def test_bound_ids_end_with_their_block() -> None:
    formatter = JsonFormatter(Redactor([]))
    with bind(user_id=1):
        pass
    assert "user_id" not in json.loads(formatter.format(record("idle")))


def test_exceptions_are_redacted_too() -> None:
    formatter = TextFormatter(Redactor([TOKEN]))
    try:
        raise RuntimeError(f"token {TOKEN} refused")
    except RuntimeError:
        import sys

        item = logging.LogRecord("bot", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    assert TOKEN not in formatter.format(item)
    json_line = JsonFormatter(Redactor([TOKEN])).format(item)
    assert TOKEN not in json_line and "exception" in json.loads(json_line)
