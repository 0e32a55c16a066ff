"""Lets `python -m bot` behave exactly like the `mentorbot` console script."""

from bot.cli import main

raise SystemExit(main())
