"""GET /healthz, /readyz and /metrics as Starlette routes on the web port."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.ops.health import Readiness
from bot.ops.metrics import Metrics


def ops_routes(
    readiness: Readiness, metrics: Metrics, refresh: Callable[[], Awaitable[None]]
) -> list[Route]:
    """The three operations routes; `refresh` updates gauges read from the database."""

    async def healthz(request: Request) -> Response:
        """Alive: the event loop answers."""
        return PlainTextResponse("ok\n")

    async def readyz(request: Request) -> Response:
        """Ready to serve: 200, or 503 naming each failing part."""
        failing = await readiness.failing()
        if failing:
            return PlainTextResponse("not ready: " + "; ".join(failing) + "\n", status_code=503)
        return PlainTextResponse("ready\n")

    async def metrics_text(request: Request) -> Response:
        """Every series in Prometheus text format."""
        # Without the database the other series are still worth reading; readyz names it.
        with contextlib.suppress(Exception):
            await refresh()
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics_text, methods=["GET"]),
    ]
