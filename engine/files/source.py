"""Where a received file's bytes come from: a protocol, so forms and plug-ins read files the
same way whether Telegram holds them (the bot adapter) or a test does (``MemoryFiles``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

MB = 1024 * 1024


class FileUnavailable(Exception):
    """The file could not be fetched (gone, refused, network); nothing is known about it."""


class FileTooLarge(Exception):
    """The file is bigger than the cap; it was not read past the cap."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"more than {max_bytes} bytes")
        self.max_bytes = max_bytes


class FileSource(Protocol):
    async def fetch(self, file_id: str, max_bytes: int) -> bytes:
        """The file's bytes; ``FileTooLarge`` as soon as more than ``max_bytes`` arrive,
        whatever size was stated; ``FileUnavailable`` when it cannot be had."""
        ...


class MemoryFiles:
    """Files held in memory by id: for tests and in-process drivers."""

    def __init__(self, files: Mapping[str, bytes] | None = None) -> None:
        self.files: dict[str, bytes] = dict(files or {})
        self.fetched: list[str] = []

    async def fetch(self, file_id: str, max_bytes: int) -> bytes:
        self.fetched.append(file_id)
        data = self.files.get(file_id)
        if data is None:
            raise FileUnavailable(f"no file {file_id!r}")
        if len(data) > max_bytes:
            raise FileTooLarge(max_bytes)
        return data


class NoFiles:
    """No way to read files: every file is unavailable, so none is taken on trust."""

    async def fetch(self, file_id: str, max_bytes: int) -> bytes:
        raise FileUnavailable("this runtime cannot read files")
