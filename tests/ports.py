"""Ports for servers a test starts in a child process (which must be told its port)."""

from __future__ import annotations

import itertools
import os
import socket

_FIRST, _PER_WORKER = 20000, 2500
"""Below Linux's ephemeral range (32768-60999): no outgoing connection is ever given one of
these, so a port found free stays free until the child binds it. Each pytest-xdist worker
draws from its own block, so two workers never pick the same port."""


def _worker_block() -> range:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    start = _FIRST + (int(worker) % 5) * _PER_WORKER if worker.isdigit() else _FIRST
    return range(start, start + _PER_WORKER)


_next = itertools.cycle(_worker_block())


def free_port() -> int:
    """A port on 127.0.0.1 free now, from this worker's block, never the same twice in a row."""
    for _ in range(_PER_WORKER):
        port = next(_next)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in this worker's block")
