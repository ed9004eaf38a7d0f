"""The project as the linter sees it: its plug-ins' declarations, imported without the bot."""

import subprocess
import sys

from tests.conftest import PROJECT_ROOT


def test_the_linter_lints_the_project_without_importing_aiogram() -> None:
    """aiogram builds its ~150 method models on import (seconds of CPU): CI's lint step and
    every editor's ``python -m engine lint`` must not pay for a bot they never start."""
    code = (
        "import sys\n"
        "from engine.cli import main\n"
        "try:\n"
        "    main(['lint'])\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'aiogram')\n"
        "assert not loaded, f'aiogram imported by the lint path: {loaded[:3]}'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
