"""Settings from the environment and `.env`, validated once at start-up."""

from __future__ import annotations

import zoneinfo
from typing import Annotated

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.i18n import is_known_language


class SettingsError(Exception):
    """A setting is invalid; the message is one line naming the variable."""


class Settings(BaseSettings):
    """Every setting named in SPEC.md, with its default."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./mentorbot.db"
    telegram_token: SecretStr | None = None
    telegram_api_base_url: AnyHttpUrl | None = None
    telegram_webhook_url: AnyHttpUrl | None = None
    telegram_webhook_port: Annotated[int, Field(ge=1, le=65535)] | None = None
    discord_token: SecretStr | None = None
    discord_api_base_url: AnyHttpUrl | None = None
    discord_gateway_url: str | None = None
    # Ask for the Message Content intent; if the portal refuses it, run on without it.
    discord_message_content: bool = True
    default_timezone: str = "UTC"
    default_language: str = "en"
    log_level: str = "INFO"

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError("expected a URL like sqlite+aiosqlite:///./mentorbot.db")
        scheme = value.split("://", 1)[0]
        if scheme in ("sqlite", "postgresql", "postgres"):
            raise ValueError("use an async driver: sqlite+aiosqlite:///… or postgresql+asyncpg://…")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown timezone {value!r}; use an IANA name like Europe/Berlin"
            ) from exc
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if not is_known_language(value):
            raise ValueError(f"unknown language code {value!r}; use a code like en or pt_BR")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return upper

    @field_validator(
        "telegram_token",
        "discord_token",
        "telegram_api_base_url",
        "telegram_webhook_url",
        "telegram_webhook_port",
        "discord_api_base_url",
        "discord_gateway_url",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


def load_settings(**overrides: object) -> Settings:
    """Builds Settings, turning a validation failure into one readable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"invalid setting {name}: {message}") from None
