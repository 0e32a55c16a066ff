"""Bridges: two communities (usually on different platforms) that share requests, tips and
the board.

A community is in at most one bridge, and a bridge joins exactly two: each side's organizer
agreed to that one partner, never to partners of partners. The communities of a bridge are
a *circle*; an unbridged community's circle is itself, so every shared read asks for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Bridge, BridgeCode, BridgeMember, Community

_BRIDGE_OF = select(BridgeMember.bridge_id).where(
    BridgeMember.community_id == bindparam("community_id")
)
"""Built once: every shared list (/board, /tips, "how can I help?") asks it first."""


class BridgeRepository:
    """Reads and writes of bridge codes and bridge membership."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def issue_code(
        self, community_id: int, person_id: int, code_hash: str, now: datetime, expires: datetime
    ) -> None:
        """Stores a new offer for the community; its earlier unused offers stop working."""
        await self.session.execute(
            delete(BridgeCode).where(
                BridgeCode.community_id == community_id, BridgeCode.used_at.is_(None)
            )
        )
        self.session.add(
            BridgeCode(
                code_hash=code_hash,
                community_id=community_id,
                issued_by=person_id,
                created_at=now,
                expires_at=expires,
            )
        )
        await self.session.flush()

    async def code(self, code_hash: str) -> tuple[BridgeCode, Community] | None:
        """The offer with that hash (locked until commit) and the community that made it."""
        row = (
            await self.session.execute(
                select(BridgeCode, Community)
                .join(Community, Community.id == BridgeCode.community_id)
                .where(BridgeCode.code_hash == code_hash)
                .with_for_update(of=BridgeCode)  # two redemptions at once: the second waits
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def bridge_of(self, community_id: int) -> int | None:
        """The bridge the community is in, if any."""
        return await self.session.scalar(_BRIDGE_OF, {"community_id": community_id})

    async def circle(self, community_id: int) -> list[Community]:
        """The community first, then the others it shares with, oldest bridge member first."""
        bridge_id = await self.bridge_of(community_id)
        if bridge_id is None:
            own = await self.session.get(Community, community_id)
            return [own] if own is not None else []
        members = await self.session.scalars(
            select(Community)
            .join(BridgeMember, BridgeMember.community_id == Community.id)
            .where(BridgeMember.bridge_id == bridge_id)
            .order_by(BridgeMember.joined_at, BridgeMember.id)
        )
        found = list(members)
        return sorted(found, key=lambda community: community.id != community_id)

    async def circle_ids(self, community_id: int) -> list[int]:
        """The ids of `circle`, without loading the communities."""
        bridge_id = await self.bridge_of(community_id)
        if bridge_id is None:
            return [community_id]
        ids = await self.session.scalars(
            select(BridgeMember.community_id)
            .where(BridgeMember.bridge_id == bridge_id)
            .order_by(BridgeMember.community_id)
        )
        found = list(ids)
        return [community_id, *(other for other in found if other != community_id)]

    async def circles_ids(self, community_ids: Sequence[int]) -> list[int]:
        """These communities and those bridged with them, in one query (own ones first)."""
        if not community_ids:
            return []
        mine = select(BridgeMember.bridge_id).where(BridgeMember.community_id.in_(community_ids))
        partners = await self.session.scalars(
            select(BridgeMember.community_id)
            .where(BridgeMember.bridge_id.in_(mine))
            .order_by(BridgeMember.community_id)
        )
        return list(dict.fromkeys([*community_ids, *partners]))

    async def lock(self, community_ids: list[int]) -> None:
        """Serialises bridge changes of these communities (in id order, so no deadlock).

        FOR NO KEY UPDATE still lets new members join (their row's foreign key takes a
        KEY SHARE lock, which this does not block).
        """
        await self.session.execute(
            select(Community.id)
            .where(Community.id.in_(sorted(community_ids)))
            .order_by(Community.id)
            .with_for_update(key_share=True)
        )

    async def join(self, offering: Community, accepting: Community, now: datetime) -> int:
        """Bridges two unbridged communities; numbering continues above both sides' numbers."""
        bridge = Bridge(
            created_at=now,
            last_request_number=max(offering.last_request_number, accepting.last_request_number),
        )
        self.session.add(bridge)
        await self.session.flush()
        for community in (offering, accepting):
            self.session.add(
                BridgeMember(bridge_id=bridge.id, community_id=community.id, joined_at=now)
            )
        await self.session.flush()
        return bridge.id

    async def next_number(self, bridge_id: int) -> int:
        """The bridge's next request number (the row lock makes two asks take turns)."""
        number = await self.session.scalar(
            update(Bridge)
            .where(Bridge.id == bridge_id)
            .values(last_request_number=Bridge.last_request_number + 1)
            .returning(Bridge.last_request_number)
        )
        return int(number or 1)

    async def dissolve(self, community_id: int) -> list[Community]:
        """Ends the community's bridge; returns its former partner(s).

        Each side's own numbering continues above every number the bridge gave out, so a
        later `#N` never repeats one of its requests.
        """
        bridge = await self.session.scalar(
            select(Bridge)
            .join(BridgeMember, BridgeMember.bridge_id == Bridge.id)
            .where(BridgeMember.community_id == community_id)
        )
        if bridge is None:
            return []
        members = list(await self.circle(community_id))
        for member in members:
            member.last_request_number = max(member.last_request_number, bridge.last_request_number)
        await self.session.execute(delete(BridgeMember).where(BridgeMember.bridge_id == bridge.id))
        await self.session.execute(delete(Bridge).where(Bridge.id == bridge.id))
        await self.session.flush()
        return members[1:]
