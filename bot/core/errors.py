"""The one error path: bad input and refusals become short replies, never tracebacks."""

from __future__ import annotations

from collections.abc import Mapping


class UserFacingError(Exception):
    """Anything the person should be told about, with a template and its values."""

    def __init__(
        self, template: str, values: Mapping[str, object] | None = None, example: str | None = None
    ) -> None:
        super().__init__(template)
        self.template = template
        self.values = dict(values or {})
        self.example = example


class UsageError(UserFacingError):
    """The input was wrong: say what and show an example."""


class PermissionDenied(UserFacingError):
    """The person may not do this here."""


class WrongPlace(UserFacingError):
    """The command works only in a group, or only in a DM."""
