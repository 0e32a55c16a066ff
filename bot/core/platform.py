"""Platform facts the core needs to word its notices, supplied by each adapter."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.i18n import N_


@dataclass(frozen=True, slots=True)
class PlatformInfo:
    """What differs between platforms when the bot has to reach someone privately.

    `open_dm_url` is a link that opens the private chat with the bot (None where no such
    link exists); `open_dm_help` is one whole English sentence (a translatable template)
    telling the person what to do so the bot can reach them by DM.
    """

    name: str
    display_name: str
    dm_needs_opt_in: bool
    open_dm_help: str
    open_dm_url: str | None = None
    open_dm_label: str = N_("Open a DM")
    reacts: bool = False
    """Whether the adapter can acknowledge a person's message with a reaction (a Reacting)."""
