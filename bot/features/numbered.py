"""Reading a `#N` inside a subcommand (`/request edit 12 …`, `/tip delete 12`)."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.registry import Args, CommandSpec, Param, ParamKind, coerce_args


async def _never_called(ctx: Ctx, args: Args) -> None:
    """The spec below is only read, never run."""


def read_number(token: str, command: str, example: str) -> int:
    """A number by the same rules as every command's number arguments (one refusal text)."""
    number = Param("number", ParamKind.INT, "The number, like 12")
    spec = CommandSpec(command, "", _never_called, example, (number,))
    return int(coerce_args(spec, {"number": token})["number"])
