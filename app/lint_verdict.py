"""A remembered lint verdict, so that a production start does not lint the same bundle again.

Linting the shipped bundle costs about a second of CPU at every start, for an answer that
only changes when the flows, models, texts or the code change. The verdict "clean" is kept
in the data directory (or written at build time: ``python -m app.lint_verdict``), keyed by a
hash of every file under ``flows/``, ``models/`` and ``locales/``, of the code that loads and
lints them, and of the versions of Python and of the libraries that read them; any change of
either makes the key differ, and the bundle is linted again (a dirty bundle still refuses to
start). Only "clean" is ever remembered.

Beside the verdict the bundle itself is kept, as loaded (``engine.loader.snapshot``): a start
that trusts the verdict reads it back instead of parsing and validating the YAML again.
"""

from __future__ import annotations

import hashlib
import os
import platform
import sys
from pathlib import Path

import pydantic
import pydantic_core
import yaml

from engine.loader.bundle import Bundle
from engine.loader.snapshot import restore

SOURCES = ("flows", "models", "locales")  # the bundle
CODE = ("engine", "plugins", "app")  # what loads it, lints it and declares its actions
FILE = "lint-verdict"
BUNDLE = "bundle"  # the bundle that verdict is about, as loaded (key, newline, snapshot)


def bundle_key(root: Path) -> str:
    """A hash of the bundle's files and the code's, names and contents, in a stable order,
    and of what else shapes the loaded bundle: Python's and its readers' versions."""
    digest = hashlib.sha256()
    versions = (platform.python_version(), pydantic.VERSION, pydantic_core.__version__, yaml.__version__)
    digest.update(" ".join(versions).encode() + b"\0")
    for top in (*SOURCES, *CODE):
        for name in _files(root, top, ".py" if top in CODE else ""):
            digest.update(name.encode())
            digest.update(b"\0")
            digest.update((root / name).read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def _files(root: Path, top: str, suffix: str) -> list[str]:
    """The files under ``root/top`` ending in ``suffix``, relative to ``root``, sorted; the
    bytecode caches are not walked (a start walks this at every start)."""
    found = []
    for folder, subfolders, files in os.walk(root / top):
        subfolders[:] = [d for d in subfolders if d != "__pycache__"]
        base = Path(folder).relative_to(root)
        found += [(base / f).as_posix() for f in files if f.endswith(suffix)]
    return sorted(found)


def known_clean(directory: Path, key: str) -> bool:
    try:
        return (directory / FILE).read_text().strip() == key
    except OSError:
        return False


def remember_clean(directory: Path, key: str, snapshot: bytes | None = None) -> None:
    """Best effort: a read-only data directory only means linting at the next start too.
    ``snapshot``: the bundle as loaded (``engine.loader.snapshot``), kept with the verdict."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if snapshot is not None:
            (directory / BUNDLE).write_bytes(key.encode() + b"\n" + snapshot)
        (directory / FILE).write_text(key + "\n")
    except OSError:
        pass


def remembered_bundle(directory: Path, key: str, root: Path) -> Bundle | None:
    """The bundle kept with the verdict for ``key``, under ``root``; None when there is none
    for this key, or it does not read back."""
    try:
        kept = (directory / BUNDLE).read_bytes()
    except OSError:
        return None
    head, _, data = kept.partition(b"\n")
    return restore(data, root) if head == key.encode() else None


def main() -> int:
    """Lint the bundle now (build time) and remember the verdict in the directory given."""
    from app.bot import PROJECT_ROOT, StartupError, load_checked_bundle
    from app.config import Config

    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT / Config().data_dir
    try:
        load_checked_bundle(PROJECT_ROOT, verdicts=directory)
    except StartupError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"the bundle lints clean; verdict kept in {directory / FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
