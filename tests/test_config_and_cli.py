"""Settings fail at start with one clear line; the CLI runs the console end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_defaults() -> None:
    settings = load_settings(_env_file=None)
    assert settings.database_url == "sqlite+aiosqlite:///./mentorbot.db"
    assert settings.default_timezone == "UTC"
    assert settings.telegram_token is None


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("default_timezone", "Mars/Base", "DEFAULT_TIMEZONE: unknown timezone"),
        ("default_language", "zz", "DEFAULT_LANGUAGE: unknown language"),
        ("log_level", "LOUD", "LOG_LEVEL"),
        ("database_url", "sqlite:///x.db", "DATABASE_URL: use an async driver"),
        ("telegram_webhook_port", "99999", "TELEGRAM_WEBHOOK_PORT"),
        ("telegram_login_bot", "mentor_bot", "TELEGRAM_LOGIN_BOT: needs TELEGRAM_TOKEN"),
    ],
)
def test_invalid_setting_is_one_line(name: str, value: str, fragment: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, **{name: value})
    message = str(caught.value)
    assert fragment in message
    assert "\n" not in message


def test_telegram_login_bot_takes_a_username_and_needs_the_token() -> None:
    assert load_settings(_env_file=None, telegram_login_bot="").telegram_login_bot is None
    configured = load_settings(_env_file=None, telegram_token="1:x", telegram_login_bot="@m_bot1")
    assert configured.telegram_login_bot == "m_bot1"
    for bad in ("m b", "https://t.me/m_bot1", "bot"):
        with pytest.raises(SettingsError, match="TELEGRAM_LOGIN_BOT: expected the bot's username"):
            load_settings(_env_file=None, telegram_token="1:x", telegram_login_bot=bad)


def _run(
    args: list[str], env: dict[str, str], cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DISCORD_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_cli_invalid_env_exits_2_without_traceback(tmp_path: Path) -> None:
    result = _run(["run"], {"DEFAULT_TIMEZONE": "Nowhere/Land"}, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("mentorbot: invalid setting DEFAULT_TIMEZONE")
    assert "Traceback" not in result.stderr


def test_cli_script_from_stdin_and_db_upgrade(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.db"}
    assert _run(["db", "upgrade"], env, tmp_path).returncode == 0
    script = "/as dana\n/in makers\n/skills knitting, pricing\n/profile\n/quit\n/help\n"
    result = _run(["run", "--script", "-"], env, tmp_path, stdin=script)
    assert result.returncode == 0, result.stderr
    assert "[makers] mentorbot: Your skills: knitting, pricing" in result.stdout
    assert "[dm dana] mentorbot: Dana" in result.stdout
    assert "What you can do here" not in result.stdout  # stopped at /quit
    assert "Traceback" not in result.stderr


def test_readme_demo_script_runs(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/demo.db"}
    result = _run(["run", "--script", str(ROOT / "examples" / "demo.txt")], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    out = result.stdout
    assert "Your skills: pricing, design" in out
    assert "I don't know the timezone" in out
    assert "Request #1 is open" in out
    assert "[dm carol] mentorbot: Bob asked for help" in out
    assert out.index("Open requests") < out.index("🤝 @Carol will help @Bob with #1")
    assert "#1 is resolved. Kudos to @Carol!" in out
    assert "Request #1 in the console · makers — resolved" in out
    assert "(America/New_York) — claimed by Carol" in out
    assert "1. Carol — 1 helped, 1 kudos" in out
    assert "I'll remind you on **" not in out
    assert "(America/New_York). I'll DM you then." in out
    assert "update the price list" not in out.split("I'll DM you then.")[0].splitlines()[-1]
    assert "⏰ Your pending reminders:" in out
    assert "is now a mentor here" in out


def test_console_writes_received_files_to_attachments(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.db"}
    script = "/as olga\n/in makers\n/admin\n/checkin sew two bags\n/export\n/stats\n"
    result = _run(["run", "--script", "-"], env, tmp_path, stdin=script)
    assert result.returncode == 0, result.stderr
    saved = sorted((tmp_path / "attachments").iterdir())
    names = [path.name for path in saved]
    assert any(name.endswith("-checkins.csv") for name in names), names
    png = next(path for path in saved if path.suffix == ".png")
    assert png.read_bytes().startswith(b"\x89PNG")
    for path in saved:  # the console says where each one went
        assert f"(saved to attachments/{path.name})" in result.stdout
    assert "sew two bags" in next(p for p in saved if p.name.endswith("-checkins.csv")).read_text(
        encoding="utf-8-sig"
    )


def test_missing_script_file(tmp_path: Path) -> None:
    result = _run(["run", "--script", "nope.txt"], {}, tmp_path)
    assert result.returncode == 2
    assert "no such script file" in result.stderr


def test_env_example_loads_and_names_every_setting() -> None:
    example = ROOT / ".env.example"
    settings = load_settings(_env_file=str(example))
    assert settings.telegram_token is None
    assert settings.telegram_api_base_url is None
    names = {line.split("=", 1)[0] for line in example.read_text().splitlines() if "=" in line}
    expected = {field.upper() for field in type(settings).model_fields}
    assert {n for n in names if not n.startswith("#")} >= expected


def test_tokens_never_show_in_settings_repr() -> None:
    settings = load_settings(_env_file=None, telegram_token="123:SECRET", discord_token="DSECRET")
    assert "SECRET" not in repr(settings)
    assert "SECRET" not in str(settings)


def test_script_from_stdin_prints_what_the_same_file_prints(tmp_path: Path) -> None:
    lines = [
        "/as carol",
        "/in makers",
        "/skills bookkeeping",
        "/as bob",
        "/ask Who knows bookkeeping? #bookkeeping",
        "/as carol",
        "how can I help?",
        "/claim 1",
        "/as bob",
        "/resolve 1 thanks a lot",
        "/leaderboard",
    ]
    script = tmp_path / "script.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from_file = _run(
        ["run", "--script", str(script)],
        {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/file.db"},
        tmp_path,
    )
    from_stdin = _run(
        ["run", "--script", "-"],
        {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/stdin.db"},
        tmp_path,
        stdin=script.read_text(encoding="utf-8"),
    )
    assert from_file.returncode == 0, from_file.stderr
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert "[dm carol] mentorbot: Bob asked for help" in from_file.stdout  # via the outbox
    assert from_stdin.stdout.splitlines() == from_file.stdout.splitlines()
