# mentorbot: one process running the enabled adapters, the scheduler and the outbox.
# Build: docker build -t mentorbot .   Run: see compose.yaml and README "Running in production".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY storage ./storage
RUN pip install . \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin mentorbot \
    && mkdir -p /data \
    && chown mentorbot:mentorbot /data

USER mentorbot
WORKDIR /data

# SQLite in the /data volume unless DATABASE_URL points at PostgreSQL (see compose.yaml).
# Health and metrics listen on all interfaces inside the container; publish the port only
# to the host or a private network (README: "Running in production").
ENV DATABASE_URL=sqlite+aiosqlite:////data/mentorbot.db \
    WEB_HOST=0.0.0.0 \
    WEB_PORT=8080 \
    LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('WEB_PORT', '8080'), timeout=4)"]

# SIGTERM: stop taking updates, finish what is in flight, exit 0 within 10 s.
STOPSIGNAL SIGTERM
CMD ["mentorbot", "run"]
