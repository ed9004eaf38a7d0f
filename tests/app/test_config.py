"""Configuration: every problem named once, values never echoed, secrets never shown."""

import pytest
from pydantic import ValidationError

from app.config import Config
from engine.settings import config_problems
from engine.telegram.flood import FloodLimit
from engine.telegram.pace import SendLimits

TOKEN = "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


def _config(monkeypatch: pytest.MonkeyPatch, **env: str) -> Config:
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "ADMIN_IDS",
        "KIE_API_KEY",
        "LOG_LEVEL",
        "DATABASE_URL",
        "FLOOD_RATE",
        "FLOOD_BURST",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Config(_env_file=None)


def test_no_secrets_means_local_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(monkeypatch)
    assert config.local and config.admin_ids == frozenset()


def test_admin_ids_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(monkeypatch, ADMIN_IDS="1, 2;3", TELEGRAM_BOT_TOKEN=TOKEN)
    assert config.admin_ids == frozenset({1, 2, 3}) and not config.local


def test_each_problem_is_reported_once_without_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError) as caught:
        _config(monkeypatch, ADMIN_IDS="1,bob", TELEGRAM_BOT_TOKEN="not-a-token-secret-xyz", LOG_LEVEL="LOUD")
    lines = config_problems(caught.value)
    assert len(lines) == 3
    assert any(line.startswith("ADMIN_IDS: ") and "bob" in line for line in lines)
    assert any(line.startswith("TELEGRAM_BOT_TOKEN: ") for line in lines)
    assert any(line.startswith("LOG_LEVEL: ") for line in lines)
    assert all("not-a-token-secret-xyz" not in line for line in lines)


def test_token_is_hidden_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(monkeypatch, TELEGRAM_BOT_TOKEN=TOKEN)
    assert TOKEN not in repr(config) and TOKEN not in str(config)


def test_flood_control_is_on_by_default_and_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _config(monkeypatch).flood_limit == FloodLimit(rate=3, burst=12)
    config = _config(monkeypatch, FLOOD_RATE="0.5", FLOOD_BURST="4")
    assert config.flood_limit == FloodLimit(rate=0.5, burst=4)
    assert _config(monkeypatch, FLOOD_RATE="0").flood_limit is None
    with pytest.raises(ValidationError):
        _config(monkeypatch, FLOOD_BURST="0")


def test_telegram_limits_are_on_by_default_and_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    limits = _config(monkeypatch).send_limits
    assert (limits.rate, limits.chat_rate, limits.group_per_minute) == (30, 1, 20)
    assert limits.bulk_rate == 25 and limits.progress_rate == 15
    off = _config(monkeypatch, SEND_RATE="0", SEND_CHAT_RATE="0").send_limits
    assert off == SendLimits(rate=None, chat_rate=None)  # broadcasts: the admins' setting
