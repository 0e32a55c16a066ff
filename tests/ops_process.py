"""A `python -m bot run` child process for the operations tests, read line by line."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WAIT = 60.0  # generous bound on a slow shared machine; never a timing assertion


def bot_env(**values: str) -> dict[str, str]:
    """The test's environment without tokens or bot settings, plus `values`."""
    prefixes = ("TELEGRAM_", "DISCORD_", "DATABASE_", "LOG_", "WEB_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return {**env, "PYTHONPATH": str(ROOT), **values}


class BotProcess:
    """One console bot whose stdin stays open until the test closes it."""

    def __init__(self, env: dict[str, str], cwd: Path, *args: str) -> None:
        self._env = env
        self._cwd = cwd
        self._args = args
        self.process: asyncio.subprocess.Process | None = None
        self.stdout: list[str] = []

    async def start(self) -> None:
        """Starts the child with pipes for stdin, stdout and stderr."""
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            *self._args,
            cwd=self._cwd,
            env=self._env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )

    async def wait_for_output(self, fragment: str) -> None:
        """Reads stdout until a chunk contains `fragment` (the console prompt has no newline)."""
        assert self.process is not None
        assert self.process.stdout is not None
        seen = ""
        async with asyncio.timeout(WAIT):
            while fragment not in seen:
                chunk = await self.process.stdout.read(4096)
                if not chunk:
                    raise AssertionError(f"the bot exited before printing {fragment!r}: {seen}")
                seen += chunk.decode()
        self.stdout.append(seen)

    async def send(self, line: str) -> None:
        """Types one line into the console."""
        assert self.process is not None
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        await self.process.stdin.drain()

    async def finish(self) -> tuple[int, str, str]:
        """Closes stdin and collects the exit code and the rest of the output."""
        assert self.process is not None
        if self.process.stdin is not None and not self.process.stdin.is_closing():
            self.process.stdin.close()
        async with asyncio.timeout(WAIT):
            out, err = await self.process.communicate()
        assert self.process.returncode is not None
        return self.process.returncode, "".join(self.stdout) + out.decode(), err.decode()

    async def kill(self) -> None:
        """Ends the child if a test failed half-way."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
