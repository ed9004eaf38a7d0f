"""Entry point: ``python main.py``.

Without TELEGRAM_BOT_TOKEN it starts the whole product locally: embedded PostgreSQL, the
Telegram emulator with a web chat at http://127.0.0.1:8080 and the Kie.ai sandbox.
"""

from __future__ import annotations

import gc
import sys


def main() -> int:
    # No cyclic collection until the code and the flows are loaded (app.bot.run freezes them
    # and turns the collector back on): nearly all they allocate lives as long as the process,
    # yet each full collection during the imports walked aiogram's 10^5 objects again — some
    # 0.3 s of a start, to free a few thousand objects. Hence the imports here, after it.
    gc.disable()
    from pydantic import ValidationError

    from app.bot import StartupError, run
    from app.config import Config
    from app.logs import configure_logging
    from engine import event_loop
    from engine.settings import config_problems

    try:
        config = Config()
    except ValidationError as exc:
        print("The configuration is not valid:", file=sys.stderr)
        for line in config_problems(exc):
            print(f"  - {line}", file=sys.stderr)
        return 2
    configure_logging(config.log_level, config.log_format, config.secret_values())
    try:
        event_loop.run(run(config))
    except StartupError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
