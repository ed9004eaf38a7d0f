"""Typed Kie.ai failures.

Kie answers HTTP 200 for most errors and puts the real outcome in the body's ``code``; the client
turns each code into one of these classes so callers branch on types, not numbers. Messages never
carry the API key: the client scrubs every text that goes into them.
"""

from __future__ import annotations


class KieError(Exception):
    """Base of every Kie.ai failure. ``code`` is Kie's body code (or the HTTP status when there
    was no usable body); ``path`` is the API path that failed, without host or query."""

    def __init__(self, message: str, *, code: int | None = None, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.path = path

    def __str__(self) -> str:
        where = f" [{self.path}]" if self.path else ""
        code = f"{self.code} " if self.code is not None else ""
        return f"{code}{self.message}{where}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, path={self.path!r})"


class KieAuthError(KieError):
    """401: the key is missing, wrong, revoked or not allowed from this IP. Not retryable."""


class KieInsufficientCredits(KieError):
    """402: the Kie account cannot pay for the task. Nothing was created or charged."""


class KieValidationError(KieError):
    """400/404/422: the request itself was refused (bad model, bad input, external URL ...)."""


class KieTaskNotVisible(KieError):
    """recordInfo said ``recordInfo is null`` (or 404) for this id.

    Right after createTask this is normal (the record is not visible yet): keep polling. Kie says
    the same for unknown or expired ids, so the caller decides by how long ago it created the task.
    Deliberately not a KieValidationError, so ``except KieValidationError`` never fails a live job.
    """

    def __init__(self, task_id: str, message: str, *, code: int | None = None, path: str | None = None):
        super().__init__(message, code=code, path=path)
        self.task_id = task_id


class KieRateLimited(KieError):
    """429 (too many requests; retried by the client first) or 433 (a sub-key's usage cap; hours
    long, so not retried)."""


class KieUnavailable(KieError):
    """455, 500, any other 5xx, or the network failing on an idempotent call after all retries."""


class KieGenerationFailed(KieError):
    """501: Kie reports that generation failed."""


class KieProtocolError(KieError):
    """The answer was not the JSON shape Kie documents (malformed body, missing fields)."""


class KieCreateUncertain(KieError):
    """createTask may or may not have created a task: the request may have reached Kie but no
    usable answer came back (timeout or connection drop after sending, a 5xx, a garbled body).

    Retrying could create and bill a second task, so the client never does. The caller must
    reconcile: keep the job in an "unknown" state, wait for a callback (put the job id in
    ``callBackUrl`` so a task created anyway still reports back) and release the reservation if
    nothing arrives in time. Kie has no idempotency key and no task listing to look it up by.
    """

    def __init__(self, message: str, *, model: str, code: int | None = None, path: str | None = None):
        super().__init__(message, code=code, path=path)
        self.model = model


RETRYABLE_CODES = frozenset({429, 455})


def error_for_code(code: int, message: str, *, path: str | None = None) -> KieError:
    """The typed error for a non-200 Kie code (body code or HTTP status)."""
    cls: type[KieError]
    if code == 401 or code == 403:
        cls = KieAuthError
    elif code == 402:
        cls = KieInsufficientCredits
    elif code in (429, 433):
        cls = KieRateLimited
    elif code == 501:
        cls = KieGenerationFailed
    elif code == 455 or code == 408 or code >= 500:
        cls = KieUnavailable
    elif 400 <= code < 500:
        cls = KieValidationError
    else:
        cls = KieProtocolError
    return cls(message, code=code, path=path)


def is_retryable(error: KieError) -> bool:
    """True when the server refused or failed before doing the work, and asking again may help."""
    if isinstance(error, KieUnavailable):
        return True
    return error.code in RETRYABLE_CODES
