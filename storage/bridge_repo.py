"""Bridges: communities on different platforms that share requests, tips and the board.

A community is in at most one bridge; the communities of a bridge are its *circle*. An
unbridged community's circle is itself, so every shared read can ask for the circle.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Bridge, BridgeCode, BridgeMember, Community


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
        return await self.session.scalar(
            select(BridgeMember.bridge_id).where(BridgeMember.community_id == community_id)
        )

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

    async def size(self, bridge_id: int) -> int:
        """How many communities the bridge joins."""
        count = await self.session.scalar(
            select(func.count())
            .select_from(BridgeMember)
            .where(BridgeMember.bridge_id == bridge_id)
        )
        return int(count or 0)

    async def join(self, offering_id: int, accepting_id: int, now: datetime) -> int:
        """Puts both communities in one bridge (the offering side's, if it has one)."""
        bridge_id = await self.bridge_of(offering_id) or await self.bridge_of(accepting_id)
        if bridge_id is None:
            bridge = Bridge(created_at=now)
            self.session.add(bridge)
            await self.session.flush()
            bridge_id = bridge.id
        for community_id in (offering_id, accepting_id):
            if await self.bridge_of(community_id) is None:
                self.session.add(
                    BridgeMember(bridge_id=bridge_id, community_id=community_id, joined_at=now)
                )
        await self.session.flush()
        return bridge_id

    async def leave(self, community_id: int) -> list[Community]:
        """Takes the community out of its bridge; returns the communities it shared with."""
        others = (await self.circle(community_id))[1:]
        bridge_id = await self.bridge_of(community_id)
        if bridge_id is None:
            return []
        await self.session.execute(
            delete(BridgeMember).where(BridgeMember.community_id == community_id)
        )
        if len(others) <= 1:  # a bridge of one shares with nobody
            await self.session.execute(delete(Bridge).where(Bridge.id == bridge_id))
            await self.session.execute(
                delete(BridgeMember).where(BridgeMember.bridge_id == bridge_id)
            )
        await self.session.flush()
        return others
