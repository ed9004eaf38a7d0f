"""Configuration from the environment (and ``.env``), validated once at start-up.

Secrets are ``SecretStr``: they never appear in logs, reprs or error messages; problems are
told by ``engine.settings.config_problems``, which never echoes a value either.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from engine.telegram.flood import FloodLimit
from engine.telegram.pace import SendLimits

WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Config(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: AnyHttpUrl | None = None
    database_url: str | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    kie_api_key: SecretStr | None = None
    kie_api_url: AnyHttpUrl = AnyHttpUrl("https://api.kie.ai")
    kie_upload_url: AnyHttpUrl = AnyHttpUrl("https://kieai.redpandaai.co")
    public_url: AnyHttpUrl | None = Field(
        None,
        description="Where this bot's HTTP server is reachable from the internet; "
        "with KIE_CALLBACK_SECRET it receives Kie.ai callbacks.",
    )
    kie_sandbox: bool = Field(
        False,
        description="With a real bot token, answer generations from the local sandbox; "
        "with KIE_API_URL, results may come from that (local) address.",
    )
    kie_callback_secret: SecretStr | None = None
    kie_webhook_hmac_key: SecretStr | None = None
    job_lease_seconds: float = Field(
        20,
        gt=0,
        le=3600,
        description="How long a crashed instance's job waits for another (a live one renews it).",
    )
    flood_rate: float = Field(
        3, ge=0, le=1000, description="Updates a second one user may keep sending; 0 turns flood control off."
    )
    flood_burst: int = Field(
        12, ge=1, le=1000, description="Updates one user may send at once (an album is 10)."
    )
    event_retention_days: int = Field(
        90, ge=1, le=3650, description="How long screen views and presses are kept for the funnels."
    )
    send_rate: float = Field(
        30,
        ge=0,
        le=100_000,
        description="Messages a second the whole bot sends (all instances share it); 0: no limit.",
    )
    send_chat_rate: float = Field(
        1,
        ge=0,
        le=1000,
        description="Messages a second to one private chat, sustained; 0: no per-chat limit.",
    )
    send_chat_burst: int = Field(
        3, ge=1, le=100, description="Messages to one chat at once, before its rate."
    )
    send_group_per_minute: float = Field(
        20, ge=0, le=10_000, description="Messages a minute to one group or channel; 0: no limit."
    )
    progress_rate: float = Field(
        15, gt=0, le=1000, description="Progress edits (a job's elapsed time) a second at most, per instance."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = Field(
        "text", description="json: one JSON object per line, with update, user and job ids."
    )
    http_host: str = "127.0.0.1"
    http_port: int = Field(8081, ge=0, le=65535)
    local_chat_port: int = Field(8080, ge=0, le=65535)
    local_kie_port: int = Field(8090, ge=0, le=65535)
    data_dir: str = ".data"
    telegram_webhook_url: AnyHttpUrl | None = Field(
        None,
        description="Set: Telegram delivers updates to this public address (webhook mode; any "
        "number of instances may serve it). Unset: one instance polls.",
    )
    telegram_webhook_secret: SecretStr | None = Field(
        None,
        description="The secret_token Telegram sends with every webhook request (1-256 of A-Z, a-z, "
        "0-9, _ and -); required in webhook mode, the same for every instance.",
    )
    telegram_webhook_max_connections: int = Field(
        40, ge=1, le=100, description="Webhook requests Telegram may have open at once."
    )
    database_pool_size: int = Field(
        10,
        ge=2,
        le=200,
        description="Most connections in each of an instance's two database pools "
        "(all instances together must stay under the server's max_connections).",
    )
    webhook_lock_connections: int = Field(
        10,
        ge=1,
        le=200,
        description="Database connections holding users' locks in webhook mode: "
        "how many users one instance serves at once.",
    )
    drain_seconds: float = Field(
        25, gt=0, le=600, description="On SIGTERM, how long updates in hand may take to finish."
    )
    hot_reload: bool | None = Field(
        None,
        description="Reload flows/, locales/ and models/ when they change (the local preview); "
        "unset: on when running locally (no TELEGRAM_BOT_TOKEN), off otherwise.",
    )

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            bad = [p for p in parts if not p.lstrip("-").isdigit()]
            if bad:
                raise ValueError(f"ADMIN_IDS must be comma-separated Telegram user ids, not {', '.join(bad)}")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            head, _, tail = value.get_secret_value().partition(":")
            if not head.isdigit() or len(tail) < 20:
                raise ValueError(
                    "TELEGRAM_BOT_TOKEN does not look like a bot token (digits:secret, as BotFather gives it)"
                )
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Config:
        if self.telegram_webhook_url is not None and self.telegram_webhook_secret is None:
            raise ValueError(
                "TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET: without it anyone could post updates"
            )
        return self

    @property
    def webhook(self) -> bool:
        """Webhook mode: Telegram posts updates to TELEGRAM_WEBHOOK_URL, to any instance."""
        return self.telegram_webhook_url is not None

    @property
    def flood_limit(self) -> FloodLimit | None:
        """Per-user flood control for the flows' router; None when turned off."""
        return FloodLimit(self.flood_rate, self.flood_burst) if self.flood_rate > 0 else None

    @property
    def send_limits(self) -> SendLimits:
        """Telegram's limits for the outgoing rate limiter (engine.telegram.pace)."""
        return SendLimits(
            rate=self.send_rate or None,
            chat_rate=self.send_chat_rate or None,
            chat_burst=self.send_chat_burst,
            group_per_minute=self.send_group_per_minute or None,
            progress_rate=self.progress_rate,
        )  # the broadcast rate is an admins' setting (broadcast_rate), followed by the worker

    def secret_values(self) -> list[str]:
        """Every configured secret, for log redaction (never to be printed)."""
        secrets = (
            self.telegram_bot_token,
            self.kie_api_key,
            self.kie_callback_secret,
            self.kie_webhook_hmac_key,
        )
        return [s.get_secret_value() for s in secrets if s is not None]

    @property
    def local(self) -> bool:
        """No bot token: run everything locally (emulator, sandbox, embedded database)."""
        return self.telegram_bot_token is None

    @property
    def hot_reload_enabled(self) -> bool:
        return self.local if self.hot_reload is None else self.hot_reload
