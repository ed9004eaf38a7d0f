"""The emulator's file store: every uploaded (or linked) file gets a file_id, a
file_unique_id, a file_path for getFile/download, and the Bot API object of its kind."""

from __future__ import annotations

import hashlib
import itertools
import mimetypes
import secrets
import struct
from dataclasses import dataclass
from typing import Any

from .errors import bad_request

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
MEDIA_KINDS = ("photo", "video", "audio", "voice", "document", "animation")
_PREFIX = {
    "photo": "AgAC",
    "video": "BAAC",
    "audio": "CQAC",
    "voice": "AwAC",
    "document": "BQAC",
    "animation": "CgAC",
}
_FOLDER = {
    "photo": "photos",
    "video": "videos",
    "audio": "music",
    "voice": "voice",
    "document": "documents",
    "animation": "animations",
}
_DEFAULT_EXT = {
    "photo": ".jpg",
    "video": ".mp4",
    "audio": ".mp3",
    "voice": ".oga",
    "document": "",
    "animation": ".mp4",
}


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    file_path: str
    data: bytes | None = None
    url: str | None = None
    mime_type: str | None = None
    file_name: str | None = None
    width: int | None = None
    height: int | None = None
    duration: int | None = None
    title: str | None = None
    performer: str | None = None
    size_stated: bool = True  # False: messages and getFile say nothing of the size
    served: int = 0  # bytes handed to downloaders so far (a stopped download shows)

    @property
    def size(self) -> int | None:
        return None if self.data is None else len(self.data)

    @property
    def stated_size(self) -> int | None:
        """The size Telegram tells bots, if it tells it."""
        return self.size if self.size_stated else None

    def media_object(self) -> Any:
        """The value of ``message.<kind>`` (a PhotoSize list for photos)."""
        base: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.stated_size is not None:
            base["file_size"] = self.stated_size
        if self.kind == "photo":
            return [{**base, "width": self.width or 0, "height": self.height or 0}]
        if self.kind in ("video", "animation"):
            base.update(width=self.width or 0, height=self.height or 0, duration=self.duration or 0)
        if self.kind in ("audio", "voice"):
            base["duration"] = self.duration or 0
        if self.kind == "audio":
            base.update({k: v for k, v in (("title", self.title), ("performer", self.performer)) if v})
        if self.kind != "voice" and self.file_name:
            base["file_name"] = self.file_name
        if self.mime_type and self.kind != "photo":
            base["mime_type"] = self.mime_type
        return base

    def file_object(self) -> dict[str, Any]:
        """The ``File`` getFile returns."""
        out: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_path": self.file_path,
        }
        if self.stated_size is not None:
            out["file_size"] = self.stated_size
        return out


class FileStore:
    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._unique: dict[str, str] = {}
        self._counter = itertools.count(1)

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def add(
        self,
        kind: str,
        *,
        data: bytes | None = None,
        url: str | None = None,
        file_name: str | None = None,
        mime_type: str | None = None,
        duration: int | None = None,
        width: int | None = None,
        height: int | None = None,
        title: str | None = None,
        performer: str | None = None,
        size_stated: bool = True,
    ) -> StoredFile:
        if kind not in _PREFIX:
            raise ValueError(f"unknown media kind {kind!r}")
        key = hashlib.sha256((data if data is not None else (url or "").encode()) + kind.encode()).hexdigest()
        unique = self._unique.setdefault(key, "AQAD" + secrets.token_urlsafe(9))
        number = next(self._counter)
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        ext = _extension(file_name, mime_type, kind)
        if data is not None and kind in ("photo", "video", "animation") and (width is None or height is None):
            width, height = image_size(data) or (width or 640, height or 480)
        stored = StoredFile(
            file_id=_PREFIX[kind] + secrets.token_urlsafe(30),
            file_unique_id=unique,
            kind=kind,
            file_path=f"{_FOLDER[kind]}/file_{number}{ext}",
            data=data,
            url=url,
            mime_type=mime_type,
            file_name=file_name,
            width=width,
            height=height,
            duration=duration,
            title=title,
            performer=performer,
            size_stated=size_stated,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def reuse(self, file_id: str, kind: str) -> StoredFile:
        """Sending an existing file by its file_id, with Telegram's type check."""
        stored = self._by_id.get(file_id)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        allowed = {kind} | ({"video", "audio", "animation", "voice"} if kind == "document" else set())
        if stored.kind not in allowed:
            raise bad_request(f"can't use file of type {stored.kind.capitalize()} as {kind.capitalize()}")
        return stored


def _extension(file_name: str | None, mime_type: str | None, kind: str) -> str:
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1].lower()[:8]
    if mime_type:
        guessed = mimetypes.guess_extension(mime_type)
        if guessed:
            return guessed
    return _DEFAULT_EXT[kind]


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG, read from its header."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            (length,) = struct.unpack(">H", data[i + 2 : i + 4])
            i += 2 + length
    return None
