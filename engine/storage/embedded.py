"""An embedded PostgreSQL (pgserver) for running locally and testing without a server."""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # an optional dependency (the ``embedded`` extra): imported when used
    from pgserver.postgres_server import PostgresServer


def start_embedded(data_dir: Path) -> tuple[str, PostgresServer]:
    """Start (or reuse) a server whose data lives in ``data_dir``; returns its DSN and handle.

    The handle must be kept alive while the server is used; the data survives a restart.
    """
    try:
        with warnings.catch_warnings():  # platformdirs complains when XDG_RUNTIME_DIR is unset
            warnings.simplefilter("ignore")
            from pgserver.postgres_server import get_server
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "DATABASE_URL is not set and the embedded PostgreSQL is not installed: "
            "pip install 'kie-flow-bot[embedded]' or set DATABASE_URL"
        ) from exc
    data_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = get_server(str(data_dir), cleanup_mode="stop")
    return server.get_uri(), server


@contextmanager
def scratch_server(dsn: str | None = None) -> Iterator[str]:
    """A PostgreSQL to work on: ``dsn``, else TEST_DATABASE_URL, else a throw-away embedded
    server (for tests and benchmarks; its data is deleted afterwards)."""
    given = dsn or os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    folder = Path(tempfile.mkdtemp(prefix="kfb-pg-"))
    started, server = start_embedded(folder / "data")
    try:
        yield started
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
