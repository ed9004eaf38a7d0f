"""Fault injection: what the sandbox does wrong, for which endpoint and model, and how often.

Two families:

* reply faults change one HTTP answer (an error code in an HTTP-200 envelope, a real HTTP error
  status, a malformed body, a dropped connection, an answer that never comes, a slow answer);
* task faults change what happens to a created task (ends in ``fail``, never finishes, runs
  slowly, its callback is delivered several times, its result names URLs of the test's choice).

Each rule matches an endpoint (reply faults) and optionally a model, and fires ``times`` times
(``None`` = until cleared). Model-specific rules win over global ones; among equals, the oldest
rule fires first, so a test can queue "first 429, then 455".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar


class Endpoint(StrEnum):
    CREATE_TASK = "createTask"
    RECORD_INFO = "recordInfo"
    CREDIT = "credit"
    DOWNLOAD_URL = "downloadUrl"
    MODELS = "models"
    MODEL_SCHEMA = "schema"
    MODEL_PRICE = "price"
    UPLOAD = "upload"


DEFAULT_MESSAGES = {
    400: "Bad request",
    401: "You do not have access permissions",
    402: "Credits insufficient",
    404: "Task not found",
    422: "Validation error",
    429: "Rate limit exceeded",
    433: "Sub-key usage exceeds the limit",
    455: "Service unavailable, under maintenance",
    500: "Server error",
    501: "Generation failed",
}


@dataclass(frozen=True)
class ErrorReply:
    """HTTP 200 with ``{"code": code, "msg": msg, "data": null}``. ``apply=True`` performs the
    request first (e.g. createTask creates the task, then reports 500)."""

    code: int
    msg: str | None = None
    apply: bool = False

    @property
    def text(self) -> str:
        return self.msg or DEFAULT_MESSAGES.get(self.code, "Error")


@dataclass(frozen=True)
class HttpError:
    """A real non-200 HTTP status with a proxy-style HTML body."""

    status: int = 502
    body: str = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    apply: bool = False


@dataclass(frozen=True)
class MalformedBody:
    """HTTP 200 with a body that is not JSON (the request is performed first)."""

    body: str = '{"code": 200, "msg": "success", "data": {"taskId'


@dataclass(frozen=True)
class DropConnection:
    """Close the connection without answering. ``apply=True`` (default) performs the request
    first: for createTask the task exists but the client never learns its id."""

    apply: bool = True


@dataclass(frozen=True)
class LostAnswer:
    """Perform the request, then never answer: the connection is held open (up to ``hold``
    seconds, or until the client goes away) and then dropped. For createTask the task is made,
    runs and calls back, while the client waits for an id that never comes, as when Kie.ai's
    answer is lost on the way; a crash test kills the bot in that window."""

    hold: float = 3600.0


@dataclass(frozen=True)
class SlowReply:
    """Perform the request, then wait ``seconds`` before answering (to trip client timeouts)."""

    seconds: float


ReplyFault = ErrorReply | HttpError | MalformedBody | DropConnection | LostAnswer | SlowReply


@dataclass(frozen=True)
class TaskFault:
    """How a created task misbehaves. ``latency`` (seconds spent generating) overrides the
    configured latency; ``callback_copies`` > 1 delivers the final callback that many times;
    ``result_urls`` replaces the files a success names (e.g. an address that must be refused)."""

    fail_code: str | None = None
    fail_msg: str | None = None
    never_finish: bool = False
    latency: float | None = None
    callback_copies: int = 1
    result_urls: tuple[str, ...] | None = None

    @classmethod
    def failed(
        cls, code: str = "422", msg: str = "Your prompt was flagged by the content policy."
    ) -> TaskFault:
        return cls(fail_code=code, fail_msg=msg)

    @classmethod
    def stuck(cls) -> TaskFault:
        return cls(never_finish=True)

    @classmethod
    def slow(cls, seconds: float) -> TaskFault:
        return cls(latency=seconds)

    @classmethod
    def duplicate_callback(cls, copies: int = 2) -> TaskFault:
        return cls(callback_copies=copies)


F = TypeVar("F")


@dataclass
class _Rule(Generic[F]):
    fault: F
    endpoint: Endpoint | None
    model: str | None
    remaining: int | None


class Faults:
    """The live fault table of one sandbox; safe to change while requests are in flight."""

    def __init__(self) -> None:
        self._reply: list[_Rule[ReplyFault]] = []
        self._task: list[_Rule[TaskFault]] = []

    def reply(
        self, endpoint: Endpoint | str, fault: ReplyFault, *, model: str | None = None, times: int | None = 1
    ) -> None:
        """Make the next ``times`` calls of ``endpoint`` (for ``model``, if given) misbehave."""
        self._reply.append(_Rule(fault, Endpoint(endpoint), model, _check_times(times)))

    def error(
        self,
        endpoint: Endpoint | str,
        code: int,
        msg: str | None = None,
        *,
        model: str | None = None,
        times: int | None = 1,
        apply: bool = False,
    ) -> None:
        """Shorthand: ``faults.error("createTask", 429)`` answers the next create with code 429."""
        self.reply(endpoint, ErrorReply(code, msg, apply), model=model, times=times)

    def task(self, fault: TaskFault, *, model: str | None = None, times: int | None = 1) -> None:
        """Make the next ``times`` created tasks (of ``model``, if given) misbehave."""
        self._task.append(_Rule(fault, None, model, _check_times(times)))

    def clear(self) -> None:
        self._reply.clear()
        self._task.clear()

    def take_reply(self, endpoint: Endpoint, model: str | None) -> ReplyFault | None:
        return _take(self._reply, model, endpoint)

    def take_task(self, model: str) -> TaskFault | None:
        return _take(self._task, model, None)

    @property
    def pending(self) -> int:
        return len(self._reply) + len(self._task)


def _check_times(times: int | None) -> int | None:
    if times is not None and times < 1:
        raise ValueError("times must be positive (or None for always)")
    return times


def _take(rules: list[_Rule[F]], model: str | None, endpoint: Endpoint | None) -> F | None:
    candidates = [r for r in rules if r.endpoint == endpoint and (r.model is None or r.model == model)]
    candidates.sort(key=lambda r: r.model is None)  # stable: model-specific first, then by age
    if not candidates:
        return None
    rule = candidates[0]
    if rule.remaining is not None:
        rule.remaining -= 1
        if rule.remaining == 0:
            rules.remove(rule)
    return rule.fault
