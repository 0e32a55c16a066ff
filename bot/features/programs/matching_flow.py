"""`/program match`: proposals from the matcher, one line each with score and reasons.

Proposals are stored as `proposed` pairs (numbered in `reasons.number`, as the organizer saw
them) until approved or skipped; a new `/program match` replaces those not yet approved. The
reference week for availability is the current one. Answers go privately to the organizer.
"""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.events import Outbound, OutMessage
from bot.core.i18n import N_
from bot.core.markup import RichText, join
from bot.domain.program_matching import Matching, UnmatchedReason, propose
from bot.features.programs import common
from bot.features.programs.approval import Approval, approval_buttons, organized
from bot.features.programs.match_inputs import as_mentee, as_mentor, proposal_line, reasons_of
from storage.program_models import PairingMode, ProgramPair, ProgramParticipant, ProgramRole

UNMATCHED = {
    UnmatchedReason.NO_MENTORS: N_(
        "{mentee}: unmatched, because no mentor has completed an intake."
    ),
    UnmatchedReason.NO_ELIGIBLE_MENTOR: N_(
        "{mentee}: unmatched, because no mentor shares a topic with them, or a language with "
        "at least 2 hours a week of overlap."
    ),
    UnmatchedReason.MENTORS_FULL: N_(
        "{mentee}: unmatched, because every mentor who fits is full ({mentors})."
    ),
    UnmatchedReason.ALREADY_PAIRED: N_(
        "{mentee}: unmatched, because they were already paired with every mentor who fits."
    ),
}


class MatchingFlow:
    """Proposes pairs for the organizer to approve (or makes them at once in `auto` mode)."""

    def __init__(self, approval: Approval) -> None:
        self._approval = approval

    async def match(self, ctx: Ctx) -> None:
        """Proposals, unmatched mentees and why, with approval buttons; in a group, a
        content-free line says where they went (the DM notice says it when DMs are closed)."""
        await self._match(ctx)
        private = any(item.private or item.user_id is not None for item in ctx.outbound)
        if ctx.in_group and private:
            line = ctx.t("I sent you the matching results privately.")
            ctx.outbound.append(Outbound(OutMessage(line), pointer=True))

    async def _match(self, ctx: Ctx) -> None:
        common.need_group(ctx, "/program match")
        program = await organized(ctx, "program match")
        store = common.repo(ctx)
        mentors = await store.participants(program.id, ProgramRole.MENTOR)
        mentees = await store.participants(program.id, ProgramRole.MENTEE)
        if not self._someone(ctx, mentors, mentees):
            return
        await store.drop_proposals(program.id)
        paired = {pair.mentee_id for pair in await store.pairs(program.id)}
        waiting = [row for row in mentees if row.person_id not in paired or row.wants_new_mentor]
        if not waiting:
            ctx.reply("Every mentee already has a mentor. Nothing to propose.", private=True)
            return
        week = ctx.now.date()
        past = await store.past_mentors(program.id)
        load = await store.active_load(program.id)
        result = propose(
            [as_mentee(row, week, past.get(row.person_id, set())) for row in waiting],
            [as_mentor(row, week, load.get(row.person_id, 0)) for row in mentors],
        )
        pairs = [
            await store.add_pair(
                program.id,
                proposal.mentee.id,
                proposal.mentor.id,
                proposal.score,
                reasons_of(proposal.fit, number),
                ctx.now,
            )
            for number, proposal in enumerate(result.proposals, start=1)
        ]
        lines = await self._listing(ctx, result, pairs)
        room = sum(max(0, (row.capacity or 0) - load.get(row.person_id, 0)) for row in mentors)
        if room < len(waiting):
            lines.append(
                ctx.tn(
                    "The mentors have room for {count} more mentee, and {waiting} are waiting.",
                    "The mentors have room for {count} more mentees, and {waiting} are waiting.",
                    room,
                    {"waiting": len(waiting)},
                )
            )
        if not pairs:
            ctx.reply_rich(join([ctx.t("I have no pairs to propose."), *lines]), private=True)
            return
        if program.pairing == PairingMode.AUTO.value:
            for pair in pairs:
                await self._approval.approve(ctx, program, pair)
            heading = ctx.t("Pairing is automatic, so I've made these pairs and introduced them:")
            ctx.reply_rich(join([heading, *lines]), private=True)
            return
        text = join(
            [
                ctx.t("Proposed pairs for “{program}”:", {"program": program.name}),
                *lines,
                ctx.t("Approve them with the buttons, or with `/program approve all|<n>`."),
            ]
        )
        message = OutMessage(text, approval_buttons(ctx, program))
        ctx.outbound.append(Outbound(message, private=ctx.in_group))

    def _someone(
        self, ctx: Ctx, mentors: list[ProgramParticipant], mentees: list[ProgramParticipant]
    ) -> bool:
        """Says clearly when there are no mentors or no mentees to pair."""
        if not mentors and not mentees:
            ctx.reply(
                "Nobody has completed an intake yet, so there is no one to pair. People join "
                "with `/program join mentor` or `/program join mentee`.",
                private=True,
            )
        elif not mentors:
            ctx.reply(
                "No mentor has completed an intake yet, so there is nobody to pair the mentees "
                "with. Mentors join with `/program join mentor`.",
                private=True,
            )
        elif not mentees:
            ctx.reply(
                "No mentee has completed an intake yet, so there is nobody to pair. Mentees "
                "join with `/program join mentee`.",
                private=True,
            )
        return bool(mentors and mentees)

    async def _listing(
        self, ctx: Ctx, result: Matching, pairs: list[ProgramPair]
    ) -> list[RichText]:
        """One line per proposal, then one per unmatched mentee with the reason."""
        lines: list[RichText] = []
        for number, (proposal, pair) in enumerate(
            zip(result.proposals, pairs, strict=True), start=1
        ):
            lines.append(await proposal_line(ctx, number, pair, proposal.fit))
        for left in result.unmatched:
            names = [await common.name_of(ctx, mentor) for mentor in left.mentor_ids]
            values = {
                "mentee": await common.name_of(ctx, left.mentee.id),
                "mentors": ", ".join(names),
            }
            lines.append(ctx.t(UNMATCHED[left.reason], values))
        return lines
