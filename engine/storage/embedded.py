"""An embedded PostgreSQL (pgserver) for running locally and testing without a server."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def start_embedded(data_dir: Path) -> tuple[str, Any]:
    """Start (or reuse) a server whose data lives in ``data_dir``; returns its DSN and handle.

    The handle must be kept alive while the server is used; the data survives a restart.
    """
    try:
        import pgserver
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "DATABASE_URL is not set and the embedded PostgreSQL is not installed: "
            "pip install 'kie-flow-bot[embedded]' or set DATABASE_URL") from exc
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(data_dir), cleanup_mode="stop")
    return server.get_uri(), server
