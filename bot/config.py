"""Settings from the environment and `.env`, validated once at start-up."""

from __future__ import annotations

import re
import zoneinfo
from typing import Annotated, Literal

from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.i18n import is_known_language

BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")


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
    # Ask for the Server Members intent (who leaves a server); refused: run on without it.
    discord_members: bool = True
    default_timezone: str = "UTC"
    default_language: str = "en"
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    web_host: str = "127.0.0.1"
    web_port: Annotated[int, Field(ge=0, le=65535)] | None = None
    web_base_url: AnyHttpUrl | None = None
    discord_shard_count: Annotated[int, Field(ge=1)] | None = None
    discord_shard_ids: Annotated[tuple[int, ...], NoDecode] | None = None
    # The bot's username for the Telegram Login Widget on the dashboard's login page (the
    # domain must be set with BotFather's /setdomain first); needs TELEGRAM_TOKEN.
    telegram_login_bot: str | None = None

    @property
    def public_web_url(self) -> str | None:
        """Where people reach the web port: WEB_BASE_URL, else http://WEB_HOST:WEB_PORT."""
        if self.web_base_url is not None:
            return str(self.web_base_url).rstrip("/")
        if self.web_port is None:
            return None
        return f"http://{self.web_host}:{self.web_port}"

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

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("discord_shard_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        words = [word.strip() for word in value.split(",")]
        if not any(words):
            return None
        if not all(word.isdecimal() and word.isascii() for word in words):
            raise ValueError(f"expected shard numbers separated by commas, like 0,1; got {value!r}")
        return tuple(int(word) for word in words)

    @field_validator("discord_shard_ids")
    @classmethod
    def _shards_fit_count(
        cls, value: tuple[int, ...] | None, info: ValidationInfo
    ) -> tuple[int, ...] | None:
        if value is None:
            return None
        count = info.data.get("discord_shard_count")
        if count is None:
            raise ValueError("needs DISCORD_SHARD_COUNT, the total number of shards")
        outside = [shard for shard in value if not 0 <= shard < count]
        if outside:
            raise ValueError(
                f"shard {outside[0]} is outside 0…{count - 1} (DISCORD_SHARD_COUNT is {count})"
            )
        if len(set(value)) != len(value):
            duplicate = next(shard for shard in value if value.count(shard) > 1)
            raise ValueError(f"shard {duplicate} is listed twice")
        return value

    @field_validator("telegram_login_bot")
    @classmethod
    def _login_bot_name(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        name = value.strip().removeprefix("@")
        if not BOT_USERNAME.fullmatch(name):
            raise ValueError(f"expected the bot's username, like mentor_bot; got {value!r}")
        if info.data.get("telegram_token") is None:
            raise ValueError("needs TELEGRAM_TOKEN, the token of that bot (it checks the login)")
        return name

    @field_validator(
        "telegram_login_bot",
        "telegram_token",
        "discord_token",
        "telegram_api_base_url",
        "telegram_webhook_url",
        "telegram_webhook_port",
        "discord_api_base_url",
        "discord_gateway_url",
        "web_port",
        "web_base_url",
        "discord_shard_count",
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
