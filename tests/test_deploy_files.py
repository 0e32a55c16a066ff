"""The deployment files hold what production needs (Docker cannot run here: they are parsed)."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from bot.config import load_settings

ROOT = Path(__file__).resolve().parent.parent


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    found = []
    for line in joined.splitlines():
        if line.strip():
            instruction, _, rest = line.strip().partition(" ")
            found.append((instruction.upper(), " ".join(rest.split())))
    return found


def env_values(arguments: str) -> dict[str, str]:
    return dict(word.split("=", 1) for word in shlex.split(arguments))


def test_dockerfile_essentials() -> None:
    steps = dockerfile()
    names = [name for name, _ in steps]
    assert steps[0] == ("FROM", "python:3.11-slim")
    install = next(
        i for i, (name, args) in enumerate(steps) if name == "RUN" and "pip install ." in args
    )
    user = names.index("USER")
    assert steps[user][1] not in ("root", "0")
    assert install < user, "installs as root, then runs as the unprivileged user"
    assert "RUN" not in names[user:], "nothing runs as root after USER"
    healthcheck = dict(steps)["HEALTHCHECK"]
    assert "/healthz" in healthcheck
    assert dict(steps)["STOPSIGNAL"] == "SIGTERM"
    assert dict(steps)["CMD"] == '["mentorbot", "run"]'
    env: dict[str, str] = {}
    for name, args in steps:
        if name == "ENV":
            env.update(env_values(args))
    assert env["WEB_PORT"] in dict(steps)["EXPOSE"].split()
    settings = load_settings(_env_file=None, **{k.lower(): v for k, v in env.items()})
    assert settings.web_port == 8080
    assert settings.database_url.startswith("sqlite+aiosqlite:////data/")
    assert not any("TOKEN" in key for key in env), "tokens come from the environment at run time"


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def test_compose_runs_the_bot_on_postgres_with_a_volume() -> None:
    spec = compose()
    bot = spec["services"]["bot"]
    postgres = spec["services"]["postgres"]
    assert bot["build"] == "."
    assert bot["command"] == ["mentorbot", "run"]
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert postgres["image"].startswith("postgres:")
    assert "healthcheck" in postgres
    [mount] = postgres["volumes"]
    volume, _, path = mount.partition(":")
    assert path == "/var/lib/postgresql/data"
    assert volume in spec["volumes"]
    environment = {
        k: str(v).replace("${POSTGRES_PASSWORD}", "pw") for k, v in bot["environment"].items()
    }
    settings = load_settings(_env_file=None, **{k.lower(): v for k, v in environment.items()})
    assert settings.database_url.startswith("postgresql+asyncpg://mentorbot:pw@postgres:5432/")
    assert settings.web_port == 8080
    assert not any("TOKEN" in key for key in environment), "tokens stay in .env"
    assert all(port.startswith("127.0.0.1:") for port in bot["ports"])
    assert "POSTGRES_PASSWORD:?" in postgres["environment"]["POSTGRES_PASSWORD"]


def test_systemd_unit_runs_as_a_user_and_stops_by_sigterm() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(ROOT / "deploy" / "mentorbot.service", encoding="utf-8")
    service = unit["Service"]
    assert service["ExecStart"] == "/opt/mentorbot/venv/bin/mentorbot run"
    assert service["ExecStartPre"] == "/opt/mentorbot/venv/bin/mentorbot db upgrade"
    assert service["User"] not in ("root", "0")
    assert service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) > 10
    assert service["RestartPreventExitStatus"] == "2"
    assert service["EnvironmentFile"].startswith("/etc/")
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_readme_explains_production() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Running in production", 1)[1].split("\n## ", 1)[0]
    for needed in (
        "Dockerfile",
        "compose.yaml",
        "deploy/mentorbot.service",
        "mentorbot db upgrade",
    ):
        assert needed in section
    for topic in ("token", "reverse proxy", "backup", "/readyz", "/metrics"):
        assert topic in section.lower() or topic in section


def test_compose_runs_the_dashboard_alone_beside_the_bot() -> None:
    spec = compose()
    web = spec["services"]["web"]
    assert web["command"] == ["mentorbot", "web"]
    assert web["depends_on"]["postgres"]["condition"] == "service_healthy"
    environment = {
        k: str(v).replace("${POSTGRES_PASSWORD}", "pw") for k, v in web["environment"].items()
    }
    settings = load_settings(_env_file=None, **{k.lower(): v for k, v in environment.items()})
    assert settings.database_url == spec["services"]["bot"]["environment"]["DATABASE_URL"].replace(
        "${POSTGRES_PASSWORD}", "pw"
    )
    assert not any("TOKEN" in key for key in environment), "tokens stay in .env"
    assert all(port.startswith("127.0.0.1:") for port in web["ports"])
