"""Keeps the bot token out of every log line (PTB and httpx put it in URLs and errors)."""

from __future__ import annotations

import logging

REDACTED = "<telegram-token>"


class TokenRedactor(logging.Filter):
    """Rewrites any record that contains the token, including its formatted traceback."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Redacts in place and always lets the record through."""
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logger's problem, not ours
            return True
        if self._token in message:
            record.msg = message.replace(self._token, REDACTED)
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self._token in record.exc_text:
            record.exc_text = record.exc_text.replace(self._token, REDACTED)
        return True


class RedactedLogs:
    """Installs the redactor on the root handlers while the adapter runs."""

    def __init__(self, token: str) -> None:
        self._redactor = TokenRedactor(token)
        self._handlers: list[logging.Handler] = []

    def install(self) -> None:
        """Filters every current root handler and quiets httpx's per-request URL lines."""
        for handler in logging.getLogger().handlers:
            if self._redactor not in handler.filters:
                handler.addFilter(self._redactor)
                self._handlers.append(handler)
        httpx = logging.getLogger("httpx")
        httpx.setLevel(max(logging.WARNING, httpx.getEffectiveLevel()))

    def remove(self) -> None:
        """Takes the redactor off again."""
        for handler in self._handlers:
            handler.removeFilter(self._redactor)
        self._handlers.clear()
