"""Reaching people: a DM where the platform lets us, else one combined mention in the group."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from bot.core.events import Button, OutMessage
from bot.core.markup import Mention, RichText, Span
from storage.models import Account, Community
from storage.outbox_repo import Delivery

# Telegram bots may only DM people who have opened a chat with them (/start). The adapters
# state the same fact in their PlatformInfo.dm_needs_opt_in; tests/test_privacy.py keeps
# the two in step, since can_dm sees only an account, not a messenger.
DM_NEEDS_OPT_IN = frozenset({"telegram"})
Enqueue = Callable[[str, Delivery, OutMessage], Awaitable[bool]]
DmText = Callable[[Account], Awaitable[RichText]]
"""A DM's text for one recipient, in that reader's language."""
Buttons = tuple[tuple[Button, ...], ...]
DmButtons = Callable[[Account], Awaitable[Buttons]]
"""A DM's buttons for one recipient, labelled in that reader's language."""
# One combined group message pings at most this many people; the rest read the same post.
MAX_GROUP_MENTIONS = 20


def can_dm(account: Account) -> bool:
    """Whether a DM to this account can be expected to arrive."""
    if account.dm_unreachable:
        return False
    return account.dm_opted_in or account.platform not in DM_NEEDS_OPT_IN


def mention_of(account: Account) -> Span:
    """A deliberate ping of one account."""
    return Span(account.display_name, mention=Mention(account.platform, account.user_id))


def mentions(accounts: Sequence[Account]) -> RichText:
    """Several pings, comma-separated."""
    spans: list[Span] = []
    for index, account in enumerate(accounts):
        if index:
            spans.append(Span(", "))
        spans.append(mention_of(account))
    return tuple(spans)


async def notify(
    enqueue: Enqueue,
    community: Community,
    recipients: Sequence[Account],
    dm_text: RichText | DmText,
    group_text: RichText,
    key: str,
    buttons: Buttons = (),
    *,
    group_fallback: bool = True,
    dm_buttons: DmButtons | None = None,
) -> int:
    """Queues a DM for each reachable person and one combined group mention for the rest.

    `buttons` go with the group post (the community's language); DMs get `dm_buttons` for
    their reader when given, else the same `buttons`.
    """
    in_group: list[Account] = []
    for account in recipients:
        if can_dm(account):
            await enqueue(
                f"{key}:dm:{account.person_id}",
                Delivery(
                    account.platform,
                    user_id=account.user_id,
                    fallback_chat_id=community.chat_id if group_fallback else None,
                    person_id=account.person_id,
                    community_id=community.id,
                ),
                OutMessage(
                    dm_text if isinstance(dm_text, tuple) else await dm_text(account),
                    buttons if dm_buttons is None else await dm_buttons(account),
                ),
            )
        elif group_fallback:
            in_group.append(account)
    if in_group:
        named = mentions(in_group[:MAX_GROUP_MENTIONS])
        if len(in_group) > MAX_GROUP_MENTIONS:  # a wall of pings is a mass ping: name a few
            # "+5": digits and a sign read the same in every language
            named = (*named, Span(f", +{len(in_group) - MAX_GROUP_MENTIONS}"))
        text = (*named, Span(": "), *group_text)
        await enqueue(
            f"{key}:group",
            Delivery(community.platform, chat_id=community.chat_id, community_id=community.id),
            OutMessage(text, buttons),
        )
    return len(recipients)
