"""Keeps a SQLite database to one process: a second one on the same file refuses to start."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from types import TracebackType

from sqlalchemy.engine import make_url


class ProcessLockError(Exception):
    """The database cannot be held for this process; the message is one line for stderr."""


class DatabaseInUse(ProcessLockError):
    """Another mentorbot process holds this SQLite file."""


def sqlite_file(database_url: str) -> Path | None:
    """The SQLite file a URL names, or None for PostgreSQL and in-memory SQLite."""
    url = make_url(database_url)
    if not url.get_backend_name().startswith("sqlite"):
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        return None
    if url.query.get("mode") == "memory":
        return None
    return Path(database.removeprefix("file:")).expanduser().resolve()


class ProcessLock:
    """An exclusive `flock` on `<database>.lock`, held for the life of the process."""

    def __init__(self, database: Path | None) -> None:
        self._database = database
        self._fd: int | None = None

    @classmethod
    def for_url(cls, database_url: str) -> ProcessLock:
        """The lock that guards this database (a no-op one where sharing is safe)."""
        return cls(sqlite_file(database_url))

    @property
    def path(self) -> Path | None:
        """The lock file beside the database, if this database needs one."""
        if self._database is None:
            return None
        return self._database.with_name(self._database.name + ".lock")

    def acquire(self) -> None:
        """Takes the lock at once or raises DatabaseInUse; never waits for the other process."""
        path = self.path
        if path is None or self._fd is not None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)  # as the database itself would
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise ProcessLockError(
                f"cannot create the lock file {path} beside the database: {error.strerror}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DatabaseInUse(
                f"another mentorbot process uses the database file {self._database}; "
                "stop it first (SQLite allows one process; use PostgreSQL for several)"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        """Lets the next process in (the kernel also does this when the process dies)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ProcessLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
