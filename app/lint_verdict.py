"""A remembered lint verdict, so that a production start does not lint the same bundle again.

Linting the shipped bundle costs about a second of CPU at every start, for an answer that
only changes when the flows, models, texts or the code change. The verdict "clean" is kept
in the data directory (or written at build time: ``python -m app.lint_verdict``), keyed by a
hash of every file under ``flows/``, ``models/`` and ``locales/`` and of the code that loads
and lints them; any change of either makes the key differ, and the bundle is linted again (a
dirty bundle still refuses to start). Only "clean" is ever remembered.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

SOURCES = ("flows", "models", "locales")  # the bundle
CODE = ("engine", "plugins", "app")  # what loads it, lints it and declares its actions
FILE = "lint-verdict"


def bundle_key(root: Path) -> str:
    """A hash of the bundle's files and the code's, names and contents, in a stable order."""
    digest = hashlib.sha256()
    for top in (*SOURCES, *CODE):
        base = root / top
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            if top in CODE and path.suffix != ".py":
                continue
            digest.update(str(path.relative_to(root)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def known_clean(directory: Path, key: str) -> bool:
    try:
        return (directory / FILE).read_text().strip() == key
    except OSError:
        return False


def remember_clean(directory: Path, key: str) -> None:
    """Best effort: a read-only data directory only means linting at the next start too."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / FILE).write_text(key + "\n")
    except OSError:
        pass


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
