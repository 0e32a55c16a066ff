"""Ports for servers a test starts in a child process (which must be told its port)."""

from __future__ import annotations

import itertools
import os
import socket

_FIRST, _LAST = 20000, 32000
"""Below Linux's ephemeral range (32768-60999): no outgoing connection is ever given one of
these, so a port found free stays free until the child binds it. Each pytest-xdist worker
draws from its own block, so two workers never pick the same port."""


def _worker_block() -> range:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    size = (_LAST - _FIRST) // max(1, workers)
    start = _FIRST + (int(worker) if worker.isdigit() else 0) * size
    return range(start, start + size)


_BLOCK = _worker_block()
_next = itertools.cycle(_BLOCK)


def free_port() -> int:
    """A port on 127.0.0.1 free now, from this worker's block, never the same twice in a row."""
    for _ in range(len(_BLOCK)):
        port = next(_next)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in this worker's block")
