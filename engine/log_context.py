"""Fields that follow a piece of work into every log line it writes (update, user, job ids).

A context variable, so concurrent updates never mix their fields; ``bind`` sets them for a
block and restores the outer ones after. Formatters read ``fields()``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

_FIELDS: ContextVar[Mapping[str, int | str]] = ContextVar("log_fields", default=MappingProxyType({}))


@contextmanager
def bind(**values: int | str | None) -> Iterator[None]:
    """Add ``values`` (those not None) to the log fields of this block."""
    merged = {**_FIELDS.get(), **{k: v for k, v in values.items() if v is not None}}
    token = _FIELDS.set(MappingProxyType(merged))
    try:
        yield
    finally:
        _FIELDS.reset(token)


def fields() -> Mapping[str, int | str]:
    return _FIELDS.get()
