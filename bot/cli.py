"""`mentorbot run`, `mentorbot web` and `mentorbot db upgrade`: parse arguments, load settings,
start."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import Settings, SettingsError, load_settings
from bot.ops.logs import configure_logging
from storage.db import upgrade_blocking


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mentorbot", description="A community mentoring bot.")
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="run the bot (console when no tokens are set)")
    run.add_argument(
        "--script",
        metavar="FILE",
        help="console only: read lines from FILE ('-' for stdin), print every reply, exit",
    )
    commands.add_parser(
        "web", help="run only the web dashboard (PostgreSQL; port 8080 when WEB_PORT is unset)"
    )
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"], help="apply every pending migration")
    return parser


def _configure_logging(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_format)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    arguments = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"mentorbot: {error}", file=sys.stderr)
        return 2
    _configure_logging(settings)
    if arguments.command == "db":
        upgrade_blocking(settings.database_url)
        return 0
    if arguments.command == "web":
        from bot.web.standalone import run_web

        try:
            return asyncio.run(run_web(settings))
        except KeyboardInterrupt:
            return 0
    script = getattr(arguments, "script", None)
    if script not in (None, "-") and not Path(script).is_file():
        print(f"mentorbot: no such script file: {script}", file=sys.stderr)
        return 2
    from bot.runner import run

    try:
        return asyncio.run(run(settings, script=script))
    except KeyboardInterrupt:
        return 0
